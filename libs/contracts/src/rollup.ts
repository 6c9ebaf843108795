import { AbiCoder, Interface, concat, getAddress, keccak256, toBeHex, zeroPadValue, type BytesLike, type Log } from 'ethers';
import { loadArtifact } from './artifacts';

export type Hex = `0x${string}`;

/** One element of `sequenceBatches(BatchData[],address)`; minForcedTimestamp 0 = not a forced batch. */
export type BatchData = { transactions: Hex; globalExitRoot: Hex; timestamp: bigint; minForcedTimestamp: bigint };
/** One element of `sequenceForceBatches(ForcedBatchData[])`. */
export type ForcedBatchData = { transactions: Hex; globalExitRoot: Hex; minForcedTimestamp: bigint };
export type SequencedBatchData = { accInputHash: Hex; sequencedTimestamp: bigint; previousLastBatchSequenced: bigint };

export const SEQUENCE_BATCHES_SELECTOR = '0x5e9145c9';
export const SEQUENCE_FORCE_BATCHES_SELECTOR = '0xd8d1091b';
export const SEQUENCE_BATCHES_TOPIC = '0x303446e6a8cb73c83dff421c0b1d5e5ce0719dab1bff13660fc254e58cc17fce';
export const MAX_TRANSACTIONS_BYTE_LENGTH = 120_000;
export const MAX_FORCE_BATCH_BYTE_LENGTH = 5_000;
export const MAX_BATCHES_PER_SEQUENCE = 1_000;
export const ZERO_HASH: Hex = `0x${'00'.repeat(32)}`;

let rollupIface: Interface | undefined;
/** The rollup ABI (errors included, so reverts decode to their names). */
export function rollupInterface(): Interface {
  rollupIface ??= new Interface(loadArtifact('ZkEvmRollup').abi);
  return rollupIface;
}

/**
 * One step of the accumulated input hash (fork 5/6):
 * keccak256(prev ‖ keccak256(transactions) ‖ globalExitRoot ‖ uint64 timestamp ‖ coinbase), 124 bytes.
 */
export function accInputHashStep(prev: BytesLike, transactions: BytesLike, globalExitRoot: BytesLike, timestamp: bigint, coinbase: string): Hex {
  return keccak256(concat([zeroPadValue(prev, 32), keccak256(transactions), zeroPadValue(globalExitRoot, 32), toBeHex(timestamp, 8), getAddress(coinbase)])) as Hex;
}

/** Hash stored per forced batch: keccak256(keccak256(transactions) ‖ globalExitRoot ‖ uint64 minForcedTimestamp). */
export function forcedBatchHash(transactions: BytesLike, globalExitRoot: BytesLike, minForcedTimestamp: bigint): Hex {
  return keccak256(concat([keccak256(transactions), zeroPadValue(globalExitRoot, 32), toBeHex(minForcedTimestamp, 8)])) as Hex;
}

const toTuple = (b: BatchData) => [b.transactions, b.globalExitRoot, b.timestamp, b.minForcedTimestamp];

export function encodeSequenceBatches(batches: BatchData[], l2Coinbase: string): Hex {
  return rollupInterface().encodeFunctionData('sequenceBatches', [batches.map(toTuple), l2Coinbase]) as Hex;
}

export function decodeSequenceBatches(calldata: BytesLike): { batches: BatchData[]; l2Coinbase: Hex } {
  const [batches, l2Coinbase] = rollupInterface().decodeFunctionData('sequenceBatches', calldata);
  return {
    l2Coinbase: getAddress(l2Coinbase) as Hex,
    batches: (batches as unknown as [string, string, bigint, bigint][]).map(([transactions, globalExitRoot, timestamp, minForcedTimestamp]) => ({
      transactions: transactions as Hex,
      globalExitRoot: globalExitRoot as Hex,
      timestamp,
      minForcedTimestamp,
    })),
  };
}

export function encodeSequenceForceBatches(batches: ForcedBatchData[]): Hex {
  return rollupInterface().encodeFunctionData('sequenceForceBatches', [batches.map((b) => [b.transactions, b.globalExitRoot, b.minForcedTimestamp])]) as Hex;
}

export function decodeSequenceForceBatches(calldata: BytesLike): ForcedBatchData[] {
  const [batches] = rollupInterface().decodeFunctionData('sequenceForceBatches', calldata);
  return (batches as unknown as [string, string, bigint][]).map(([transactions, globalExitRoot, minForcedTimestamp]) => ({
    transactions: transactions as Hex,
    globalExitRoot: globalExitRoot as Hex,
    minForcedTimestamp,
  }));
}

export function encodeForceBatch(transactions: BytesLike, maticAmount: bigint): Hex {
  return rollupInterface().encodeFunctionData('forceBatch', [transactions, maticAmount]) as Hex;
}

/** The accInputHash a sequence produces, given the one it starts from. */
export function sequenceAccInputHash(startAccInputHash: BytesLike, batches: BatchData[], l2Coinbase: string): Hex {
  let acc = zeroPadValue(startAccInputHash, 32) as Hex;
  for (const b of batches) acc = accInputHashStep(acc, b.transactions, b.globalExitRoot, b.timestamp, l2Coinbase);
  return acc;
}

let gerIface: Interface | undefined;

/**
 * Decodes `UpdateGlobalExitRoot(bytes32 indexed globalExitRoot, uint256 timestamp)` of the global
 * exit root manager; null for any other log.
 */
export function parseGlobalExitRootLog(log: Pick<Log, 'topics' | 'data'>): { globalExitRoot: Hex; timestamp: bigint } | null {
  gerIface ??= new Interface(loadArtifact('GlobalExitRootManager').abi);
  try {
    const parsed = gerIface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed?.name !== 'UpdateGlobalExitRoot') return null;
    return { globalExitRoot: parsed.args[0] as Hex, timestamp: parsed.args[1] as bigint };
  } catch {
    return null;
  }
}

export type RollupEvent =
  | { name: 'SequenceBatches'; numBatch: bigint }
  | { name: 'SequenceForceBatches'; numBatch: bigint }
  | { name: 'ForceBatch'; forceBatchNum: bigint; lastGlobalExitRoot: Hex; sequencer: Hex; transactions: Hex };

/** Decodes a rollup log; null for logs of other contracts or events not listed in RollupEvent. */
export function parseRollupLog(log: Pick<Log, 'topics' | 'data'>): RollupEvent | null {
  let parsed;
  try {
    parsed = rollupInterface().parseLog({ topics: [...log.topics], data: log.data });
  } catch {
    return null;
  }
  if (!parsed) return null;
  switch (parsed.name) {
    case 'SequenceBatches':
    case 'SequenceForceBatches':
      return { name: parsed.name, numBatch: parsed.args[0] as bigint };
    case 'ForceBatch':
      return {
        name: 'ForceBatch',
        forceBatchNum: parsed.args[0] as bigint,
        lastGlobalExitRoot: parsed.args[1] as Hex,
        sequencer: getAddress(parsed.args[2]) as Hex,
        transactions: parsed.args[3] as Hex,
      };
    default:
      return null;
  }
}

let errorIfaces: Interface[] | undefined;

/**
 * Turns revert data into a readable reason: a custom error of one of our contracts
 * (`SequencedTimestampInvalid()`), `Error(string)`, `Panic(uint256)`, or the raw selector.
 */
export function decodeRevert(data: BytesLike | null | undefined): string {
  if (!data || data === '0x') return 'reverted without data';
  const hex = typeof data === 'string' ? data : `0x${Buffer.from(data).toString('hex')}`;
  const coder = AbiCoder.defaultAbiCoder();
  try {
    if (hex.startsWith('0x08c379a0')) return coder.decode(['string'], `0x${hex.slice(10)}`)[0] as string;
    if (hex.startsWith('0x4e487b71')) return `panic ${coder.decode(['uint256'], `0x${hex.slice(10)}`)[0]}`;
  } catch {
    return `malformed revert data ${hex.slice(0, 10)}`;
  }
  errorIfaces ??= (['ZkEvmRollup', 'GlobalExitRootManager', 'FeeToken'] as const).map((n) => new Interface(loadArtifact(n).abi));
  for (const iface of errorIfaces) {
    try {
      const err = iface.parseError(hex);
      if (err) return err.args.length ? `${err.name}(${err.args.map(String).join(', ')})` : `${err.name}()`;
    } catch {
      // not one of this contract's errors
    }
  }
  return `unknown error ${hex.slice(0, 10)}`;
}
