export { PoolDb, PoolStatusError, defaultPoolDbOptions, defaultPoolLimits, mergeByPrice, type PoolDbOptions } from './pooldb';
export { poolKeys, type PoolKeys } from './keys';
export type * from './types';
