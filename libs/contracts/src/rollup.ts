import { AbiCoder, Interface, concat, getAddress, keccak256, toBeHex, zeroPadValue, type BytesLike, type Log } from 'ethers';
import type { Abi } from 'viem' with { 'resolution-mode': 'import' };
import { loadArtifact } from './artifacts';

// viem's type declarations are ESM-only; require() loads its CommonJS build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { decodeFunctionData, encodeFunctionData } = require('viem') as typeof import('viem', { with: { 'resolution-mode': 'import' } });

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

let rollupAbi: Abi | undefined;
/**
 * The sequence calls carry up to 120 kB of batch data per batch: they are encoded and decoded with
 * viem, which works on hex strings natively (measured 25x / 6x faster than ethers' Interface on
 * 3 x 40 kB batches: ~3 ms against ~73 ms to encode).
 */
const sequenceAbi = (): Abi => (rollupAbi ??= loadArtifact('ZkEvmRollup').abi as Abi);

export function encodeSequenceBatches(batches: BatchData[], l2Coinbase: string): Hex {
  const args = [batches.map((b) => ({ ...b })), getAddress(l2Coinbase) as Hex] as const;
  return encodeFunctionData({ abi: sequenceAbi(), functionName: 'sequenceBatches', args });
}

export function decodeSequenceBatches(calldata: Hex): { batches: BatchData[]; l2Coinbase: Hex } {
  const { functionName, args } = decodeFunctionData({ abi: sequenceAbi(), data: calldata });
  if (functionName !== 'sequenceBatches') throw new Error(`calldata calls ${functionName}, not sequenceBatches`);
  const [batches, l2Coinbase] = args as unknown as [BatchData[], Hex];
  return {
    l2Coinbase: getAddress(l2Coinbase) as Hex,
    batches: batches.map((b) => ({ transactions: b.transactions, globalExitRoot: b.globalExitRoot, timestamp: b.timestamp, minForcedTimestamp: b.minForcedTimestamp })),
  };
}

export function encodeSequenceForceBatches(batches: ForcedBatchData[]): Hex {
  return encodeFunctionData({ abi: sequenceAbi(), functionName: 'sequenceForceBatches', args: [batches.map((b) => ({ ...b }))] });
}

export function decodeSequenceForceBatches(calldata: Hex): ForcedBatchData[] {
  const { functionName, args } = decodeFunctionData({ abi: sequenceAbi(), data: calldata });
  if (functionName !== 'sequenceForceBatches') throw new Error(`calldata calls ${functionName}, not sequenceForceBatches`);
  const [batches] = args as unknown as [ForcedBatchData[]];
  return batches.map((b) => ({ transactions: b.transactions, globalExitRoot: b.globalExitRoot, minForcedTimestamp: b.minForcedTimestamp }));
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
