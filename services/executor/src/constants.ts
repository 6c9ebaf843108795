/** Fork-6 constants of the ROM (zkevm-executor.md 2.3, 2.4, 3.1, 7.2). */
export const FORK_ID = 6;
export const ADDRESS_SYSTEM = '0x000000000000000000000000000000005ca1ab1e';
export const ADDRESS_GER_MANAGER = '0xa40d5f56745a118d0906a34e69aec8c0db1cb8fa';
export const LAST_TX_STORAGE_POS = 0n;
export const STATE_ROOT_STORAGE_POS = 1n;
export const GLOBAL_EXIT_ROOT_STORAGE_POS = 0n;
export const LOCAL_EXIT_ROOT_STORAGE_POS = 1n;
export const BLOCK_GAS_LIMIT = 30_000_000n;
/** The L1 contract caps sequenced batches at 120 000 bytes; the ROM comments assume < 300 000. */
export const MAX_BATCH_BYTES = 300_000;

/** RomError of executor.proto (zkevm-executor.md 6.1). */
export enum RomError {
  Unspecified = 0,
  NoError = 1,
  OutOfGas = 2,
  StackOverflow = 3,
  StackUnderflow = 4,
  MaxCodeSizeExceeded = 5,
  ContractAddressCollision = 6,
  ExecutionReverted = 7,
  OutOfCountersStep = 8,
  OutOfCountersKeccak = 9,
  OutOfCountersBinary = 10,
  OutOfCountersMem = 11,
  OutOfCountersArith = 12,
  OutOfCountersPadding = 13,
  OutOfCountersPoseidon = 14,
  InvalidJump = 15,
  InvalidOpcode = 16,
  InvalidStatic = 17,
  InvalidBytecodeStartsEf = 18,
  IntrinsicInvalidSignature = 19,
  IntrinsicInvalidChainId = 20,
  IntrinsicInvalidNonce = 21,
  IntrinsicInvalidGasLimit = 22,
  IntrinsicInvalidBalance = 23,
  IntrinsicInvalidBatchGasLimit = 24,
  IntrinsicInvalidSenderCode = 25,
  IntrinsicTxGasOverflow = 26,
  BatchDataTooBig = 27,
  UnsupportedForkId = 28,
  InvalidRlp = 29,
  /** Not a ROM code: a candidate that did not fit the remaining resources and was left out. */
  NotIncluded = 100,
}

export function isIntrinsicError(e: RomError): boolean {
  return e >= RomError.IntrinsicInvalidSignature && e <= RomError.IntrinsicTxGasOverflow;
}

export function isOutOfCounters(e: RomError): boolean {
  return e >= RomError.OutOfCountersStep && e <= RomError.OutOfCountersPoseidon;
}
