import { ExecutorErrorCode, GrpcStatus, HashDbErrorCode, JsonRpcCode, L1TxErrorCode, PoolErrorCode, RpcErrorCode, SequencingErrorCode, type ErrorCode } from './codes';

export type WireCodes = { jsonRpc: JsonRpcCode; grpc: GrpcStatus };

const badArg: WireCodes = { jsonRpc: JsonRpcCode.SERVER_ERROR, grpc: GrpcStatus.INVALID_ARGUMENT };
const rejected: WireCodes = { jsonRpc: JsonRpcCode.SERVER_ERROR, grpc: GrpcStatus.FAILED_PRECONDITION };
const unavailable: WireCodes = { jsonRpc: JsonRpcCode.SERVER_ERROR, grpc: GrpcStatus.UNAVAILABLE };
const internal: WireCodes = { jsonRpc: JsonRpcCode.INTERNAL_ERROR, grpc: GrpcStatus.INTERNAL };

/** The one table from domain error codes to wire codes. */
export const wireCodes: Record<ErrorCode, WireCodes> = {
  [HashDbErrorCode.InvalidKey]: badArg,
  [HashDbErrorCode.InvalidRoot]: badArg,
  [HashDbErrorCode.InvalidValue]: badArg,
  [HashDbErrorCode.UnknownRoot]: { jsonRpc: JsonRpcCode.SERVER_ERROR, grpc: GrpcStatus.NOT_FOUND },
  [HashDbErrorCode.UnknownProgram]: { jsonRpc: JsonRpcCode.SERVER_ERROR, grpc: GrpcStatus.NOT_FOUND },
  [HashDbErrorCode.RequestTooLarge]: { jsonRpc: JsonRpcCode.LIMIT_EXCEEDED, grpc: GrpcStatus.INVALID_ARGUMENT },
  [HashDbErrorCode.StorageFailure]: internal,

  [ExecutorErrorCode.InvalidRequest]: badArg,
  [ExecutorErrorCode.UnsupportedForkId]: badArg,
  [ExecutorErrorCode.UnknownRoot]: { jsonRpc: JsonRpcCode.SERVER_ERROR, grpc: GrpcStatus.NOT_FOUND },
  [ExecutorErrorCode.BatchDataTooBig]: { jsonRpc: JsonRpcCode.LIMIT_EXCEEDED, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ExecutorErrorCode.HashDbUnavailable]: unavailable,
  [ExecutorErrorCode.Internal]: internal,
  [ExecutorErrorCode.Overloaded]: { jsonRpc: JsonRpcCode.SERVER_ERROR, grpc: GrpcStatus.RESOURCE_EXHAUSTED },

  [PoolErrorCode.AlreadyKnown]: rejected,
  [PoolErrorCode.InvalidRlp]: { jsonRpc: JsonRpcCode.INVALID_PARAMS, grpc: GrpcStatus.INVALID_ARGUMENT },
  [PoolErrorCode.TxTypeNotSupported]: rejected,
  [PoolErrorCode.InvalidSignature]: rejected,
  [PoolErrorCode.InvalidChainId]: rejected,
  [PoolErrorCode.OversizedData]: rejected,
  [PoolErrorCode.IntrinsicGas]: rejected,
  [PoolErrorCode.GasLimitTooHigh]: rejected,
  [PoolErrorCode.NonceTooLow]: rejected,
  [PoolErrorCode.NonceTooHigh]: rejected,
  [PoolErrorCode.InsufficientFunds]: rejected,
  [PoolErrorCode.Underpriced]: rejected,
  [PoolErrorCode.ReplacementUnderpriced]: rejected,
  [PoolErrorCode.AccountLimit]: { jsonRpc: JsonRpcCode.SERVER_ERROR, grpc: GrpcStatus.RESOURCE_EXHAUSTED },
  [PoolErrorCode.PoolFull]: { jsonRpc: JsonRpcCode.SERVER_ERROR, grpc: GrpcStatus.RESOURCE_EXHAUSTED },
  [PoolErrorCode.BlockedSender]: { jsonRpc: JsonRpcCode.SERVER_ERROR, grpc: GrpcStatus.PERMISSION_DENIED },
  [PoolErrorCode.OutOfCounters]: rejected,
  [PoolErrorCode.SenderNotEoa]: rejected,
  [PoolErrorCode.Unavailable]: unavailable,

  [RpcErrorCode.ParseError]: { jsonRpc: JsonRpcCode.PARSE_ERROR, grpc: GrpcStatus.INVALID_ARGUMENT },
  [RpcErrorCode.InvalidRequest]: { jsonRpc: JsonRpcCode.INVALID_REQUEST, grpc: GrpcStatus.INVALID_ARGUMENT },
  [RpcErrorCode.MethodNotFound]: { jsonRpc: JsonRpcCode.METHOD_NOT_FOUND, grpc: GrpcStatus.UNIMPLEMENTED },
  [RpcErrorCode.InvalidParams]: { jsonRpc: JsonRpcCode.INVALID_PARAMS, grpc: GrpcStatus.INVALID_ARGUMENT },
  [RpcErrorCode.Internal]: internal,
  [RpcErrorCode.RateLimited]: { jsonRpc: JsonRpcCode.LIMIT_EXCEEDED, grpc: GrpcStatus.RESOURCE_EXHAUSTED },
  [RpcErrorCode.BatchTooLarge]: { jsonRpc: JsonRpcCode.LIMIT_EXCEEDED, grpc: GrpcStatus.RESOURCE_EXHAUSTED },
  [RpcErrorCode.BodyTooLarge]: { jsonRpc: JsonRpcCode.LIMIT_EXCEEDED, grpc: GrpcStatus.RESOURCE_EXHAUSTED },
  [RpcErrorCode.BlockRangeTooLarge]: { jsonRpc: JsonRpcCode.LIMIT_EXCEEDED, grpc: GrpcStatus.INVALID_ARGUMENT },
  [RpcErrorCode.ExecutionReverted]: { jsonRpc: JsonRpcCode.EXECUTION_REVERTED, grpc: GrpcStatus.ABORTED },
  [RpcErrorCode.ExecutionTimeout]: { jsonRpc: JsonRpcCode.SERVER_ERROR, grpc: GrpcStatus.DEADLINE_EXCEEDED },
  [RpcErrorCode.ExecutionFailed]: { jsonRpc: JsonRpcCode.SERVER_ERROR, grpc: GrpcStatus.FAILED_PRECONDITION },
  [RpcErrorCode.FilterNotFound]: { jsonRpc: JsonRpcCode.SERVER_ERROR, grpc: GrpcStatus.NOT_FOUND },
  [RpcErrorCode.BlockNotFound]: { jsonRpc: JsonRpcCode.SERVER_ERROR, grpc: GrpcStatus.NOT_FOUND },
  [RpcErrorCode.Unavailable]: unavailable,

  [L1TxErrorCode.InsufficientFunds]: rejected,
  [L1TxErrorCode.Reverted]: rejected,
  [L1TxErrorCode.NonceTaken]: rejected,
  [L1TxErrorCode.RpcUnavailable]: unavailable,
  [L1TxErrorCode.InvalidRequest]: badArg,
  [L1TxErrorCode.FeeCapReached]: rejected,

  [SequencingErrorCode.TrustedReorg]: internal,
  [SequencingErrorCode.AccInputHashMismatch]: internal,
  [SequencingErrorCode.UnknownBatch]: internal,
  [SequencingErrorCode.UndecodableSequence]: internal,
  [SequencingErrorCode.L1Inconsistent]: internal,
  [SequencingErrorCode.SequenceFailed]: rejected,
};
