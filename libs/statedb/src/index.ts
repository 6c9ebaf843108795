export { StateDb, StateDbError, defaultStateDbOptions, type AppendedBlock, type Fence, type StateDbOptions, type OpenBatchInput, type BatchProgress, type CloseBatchInput } from './statedb';
export { stateKeys } from './keys';
export type * from './types';
