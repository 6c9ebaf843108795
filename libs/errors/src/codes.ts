/** gRPC status codes (same numbers as @grpc/grpc-js `status`), kept here to avoid the dependency. */
export enum GrpcStatus {
  OK = 0,
  CANCELLED = 1,
  UNKNOWN = 2,
  INVALID_ARGUMENT = 3,
  DEADLINE_EXCEEDED = 4,
  NOT_FOUND = 5,
  ALREADY_EXISTS = 6,
  PERMISSION_DENIED = 7,
  RESOURCE_EXHAUSTED = 8,
  FAILED_PRECONDITION = 9,
  ABORTED = 10,
  OUT_OF_RANGE = 11,
  UNIMPLEMENTED = 12,
  INTERNAL = 13,
  UNAVAILABLE = 14,
}

/** Standard JSON-RPC 2.0 and Ethereum JSON-RPC error codes. */
export enum JsonRpcCode {
  PARSE_ERROR = -32700,
  INVALID_REQUEST = -32600,
  METHOD_NOT_FOUND = -32601,
  INVALID_PARAMS = -32602,
  INTERNAL_ERROR = -32603,
  SERVER_ERROR = -32000,
  EXECUTION_REVERTED = 3,
  LIMIT_EXCEEDED = -32005,
}

export enum HashDbErrorCode {
  InvalidKey = 'HASHDB_INVALID_KEY',
  InvalidRoot = 'HASHDB_INVALID_ROOT',
  InvalidValue = 'HASHDB_INVALID_VALUE',
  UnknownRoot = 'HASHDB_UNKNOWN_ROOT',
  UnknownProgram = 'HASHDB_UNKNOWN_PROGRAM',
  RequestTooLarge = 'HASHDB_REQUEST_TOO_LARGE',
  StorageFailure = 'HASHDB_STORAGE_FAILURE',
}

export enum ExecutorErrorCode {
  InvalidRequest = 'EXECUTOR_INVALID_REQUEST',
  UnsupportedForkId = 'EXECUTOR_UNSUPPORTED_FORK_ID',
  UnknownRoot = 'EXECUTOR_UNKNOWN_ROOT',
  BatchDataTooBig = 'EXECUTOR_BATCH_DATA_TOO_BIG',
  HashDbUnavailable = 'EXECUTOR_HASHDB_UNAVAILABLE',
  Internal = 'EXECUTOR_INTERNAL',
  Overloaded = 'EXECUTOR_OVERLOADED',
}

/** Pool admission errors; messages follow geth's tx pool where geth has one. */
export enum PoolErrorCode {
  AlreadyKnown = 'POOL_ALREADY_KNOWN',
  InvalidRlp = 'POOL_INVALID_RLP',
  TxTypeNotSupported = 'POOL_TX_TYPE_NOT_SUPPORTED',
  InvalidSignature = 'POOL_INVALID_SIGNATURE',
  InvalidChainId = 'POOL_INVALID_CHAIN_ID',
  OversizedData = 'POOL_OVERSIZED_DATA',
  IntrinsicGas = 'POOL_INTRINSIC_GAS_TOO_LOW',
  GasLimitTooHigh = 'POOL_GAS_LIMIT_TOO_HIGH',
  NonceTooLow = 'POOL_NONCE_TOO_LOW',
  NonceTooHigh = 'POOL_NONCE_TOO_HIGH',
  InsufficientFunds = 'POOL_INSUFFICIENT_FUNDS',
  Underpriced = 'POOL_UNDERPRICED',
  ReplacementUnderpriced = 'POOL_REPLACEMENT_UNDERPRICED',
  AccountLimit = 'POOL_ACCOUNT_LIMIT',
  PoolFull = 'POOL_FULL',
  BlockedSender = 'POOL_BLOCKED_SENDER',
  OutOfCounters = 'POOL_OUT_OF_COUNTERS',
  SenderNotEoa = 'POOL_SENDER_NOT_EOA',
  Unavailable = 'POOL_UNAVAILABLE',
}

/** JSON-RPC surface errors that are not pool admission errors. */
export enum RpcErrorCode {
  ParseError = 'RPC_PARSE_ERROR',
  InvalidRequest = 'RPC_INVALID_REQUEST',
  MethodNotFound = 'RPC_METHOD_NOT_FOUND',
  InvalidParams = 'RPC_INVALID_PARAMS',
  Internal = 'RPC_INTERNAL',
  RateLimited = 'RPC_RATE_LIMITED',
  BatchTooLarge = 'RPC_BATCH_TOO_LARGE',
  BodyTooLarge = 'RPC_BODY_TOO_LARGE',
  BlockRangeTooLarge = 'RPC_BLOCK_RANGE_TOO_LARGE',
  ExecutionReverted = 'RPC_EXECUTION_REVERTED',
  ExecutionTimeout = 'RPC_EXECUTION_TIMEOUT',
  ExecutionFailed = 'RPC_EXECUTION_FAILED',
  FilterNotFound = 'RPC_FILTER_NOT_FOUND',
  BlockNotFound = 'RPC_BLOCK_NOT_FOUND',
  Unavailable = 'RPC_UNAVAILABLE',
}

/** L1 transaction manager outcomes. */
export enum L1TxErrorCode {
  InsufficientFunds = 'L1TX_INSUFFICIENT_FUNDS',
  Reverted = 'L1TX_REVERTED',
  NonceTaken = 'L1TX_NONCE_TAKEN',
  RpcUnavailable = 'L1TX_RPC_UNAVAILABLE',
  InvalidRequest = 'L1TX_INVALID_REQUEST',
  FeeCapReached = 'L1TX_FEE_CAP_REACHED',
}

/** Why sequencing to L1 stopped (the reason of a StateDB halt) or a sequence failed. */
export enum SequencingErrorCode {
  /** L1 holds a batch whose data, GER, timestamp or coinbase differ from the trusted state. */
  TrustedReorg = 'SEQ_TRUSTED_REORG',
  /** The accInputHash stored by the rollup differs from ours. */
  AccInputHashMismatch = 'SEQ_ACC_INPUT_HASH_MISMATCH',
  /** L1 sequenced a batch the StateDB has not closed. */
  UnknownBatch = 'SEQ_UNKNOWN_BATCH',
  /** A sequence event whose transaction cannot be decoded (not a direct call to the rollup). */
  UndecodableSequence = 'SEQ_UNDECODABLE_SEQUENCE',
  /** The sequence-sender's records and L1 disagree in a way it cannot repair alone. */
  L1Inconsistent = 'SEQ_L1_INCONSISTENT',
  /** An L1 sequence transaction failed; the batches are sent again. */
  SequenceFailed = 'SEQ_SEQUENCE_FAILED',
}

export type ErrorCode = HashDbErrorCode | ExecutorErrorCode | PoolErrorCode | RpcErrorCode | L1TxErrorCode | SequencingErrorCode;
