export { connect, loadProto, protoDir, serviceConstructor } from './proto';
export { toServiceError, fromServiceError, GrpcCallError, isTransient } from './errors';
export { unaryCall, defaultCallPolicy, type CallPolicy } from './client';
export { h4ToBytes, bytesToH4, valueToBytes, bytesToValue } from './hashdb-codec';
export { HashDbClient, type HashDbClientOptions } from './hashdb-client';
