export { connect, loadProto, protoDir, serviceConstructor } from './proto';
export { toServiceError, fromServiceError, GrpcCallError, isTransient } from './errors';
export { unaryCall, defaultCallPolicy, type CallPolicy } from './client';
export { h4ToBytes, bytesToH4, valueToBytes, bytesToValue } from './hashdb-codec';
export { HashDbClient, type HashDbClientOptions } from './hashdb-client';
export { ExecutorClient, type ExecutorClientOptions, type ProcessBatchRequest, type ProcessBatchResponse, type ProcessTxResponse, type ResourceLimits, type ZkCounters, type ExecutorLog } from './executor-client';
