import type { Batch, Hex } from '@zkseq/statedb';

/** What the grouping needs of a closed batch, with the L1 facts it depends on already looked up. */
export type Candidate = Pick<Batch, 'number' | 'coinbase' | 'timestamp' | 'globalExitRoot' | 'batchL2Data' | 'closedAt' | 'forcedBatchNum'> & {
  /** false while a non-zero GER is not yet recorded by the L1 GER manager (the call would revert). */
  gerOnL1: boolean;
  /** For a forced batch: the L1 timestamp of its forceBatch call; null while unknown. */
  minForcedTimestamp: bigint | null;
};

export type GroupLimits = { maxTxBytes: number; maxBatches: number; maxWaitMs: number };

/** Why a group ends where it ends. `full` reasons mean waiting cannot make it larger. */
export type StopReason = 'bytes' | 'count' | 'coinbase' | 'end' | 'l1-time' | 'ger' | 'forced-unknown';
const FULL: ReadonlySet<StopReason> = new Set(['bytes', 'count', 'coinbase']);

export type Group = {
  batches: Candidate[];
  coinbase: Hex;
  /** Length of the `sequenceBatches` calldata the group encodes to. */
  calldataBytes: number;
  stop: StopReason;
  /** Send now: the group cannot grow, or its oldest batch has waited `maxWaitMs`. */
  ready: boolean;
  /** When not ready: how long until the oldest batch has waited long enough. */
  waitMs: number;
};

const dataBytes = (hex: Hex) => (hex.length - 2) / 2;

/**
 * ABI size of `sequenceBatches((bytes,bytes32,uint64,uint64)[],address)`: selector, array offset
 * and coinbase, array length, then per batch an offset word, a four-word tuple head, the bytes
 * length word and the bytes padded to 32.
 */
export const CALLDATA_BASE_BYTES = 4 + 32 + 32 + 32;
export function batchCalldataBytes(transactionsLength: number): number {
  return 32 + 4 * 32 + 32 + Math.ceil(transactionsLength / 32) * 32;
}

/**
 * The next sequence: consecutive closed batches from the first unsent one, as many as fit the L1
 * transaction size and batch-count limits, all with the same coinbase (one l2Coinbase per call),
 * none stamped later than the L1 head (the contract refuses future timestamps), none waiting for
 * its GER or forced-batch data to be known on L1.
 */
export function nextGroup(candidates: Candidate[], limits: GroupLimits, l1Timestamp: number, nowMs: number): Group | null {
  if (candidates.length === 0) return null;
  const coinbase = candidates[0].coinbase;
  const batches: Candidate[] = [];
  let bytes = CALLDATA_BASE_BYTES;
  let stop: StopReason = 'end';
  for (const c of candidates) {
    if (batches.length === limits.maxBatches) {
      stop = 'count';
      break;
    }
    if (c.coinbase.toLowerCase() !== coinbase.toLowerCase()) {
      stop = 'coinbase';
      break;
    }
    if (c.timestamp > l1Timestamp) {
      stop = 'l1-time';
      break;
    }
    if (!c.gerOnL1) {
      stop = 'ger';
      break;
    }
    if (c.forcedBatchNum !== null && c.minForcedTimestamp === null) {
      stop = 'forced-unknown';
      break;
    }
    const size = batchCalldataBytes(dataBytes(c.batchL2Data));
    if (bytes + size > limits.maxTxBytes) {
      stop = 'bytes';
      break;
    }
    bytes += size;
    batches.push(c);
  }
  if (batches.length === 0) return null;
  if (stop === 'end' && batches.length === limits.maxBatches) stop = 'count';
  const age = nowMs - (batches[0].closedAt ?? nowMs);
  const ready = FULL.has(stop) || age >= limits.maxWaitMs;
  return { batches, coinbase, calldataBytes: bytes, stop, ready, waitMs: ready ? 0 : limits.maxWaitMs - age };
}
