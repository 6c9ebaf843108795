import type { ResourceLimits, ZkCounters } from '@zkseq/grpc';

/** The seven fork-6 ZK counters, with the executor's names. */
export const COUNTER_NAMES = ['steps', 'keccakHashes', 'poseidonHashes', 'poseidonPaddings', 'memAligns', 'arithmetics', 'binaries'] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];
export type Counters = ZkCounters;

/** What one batch may hold: the 8 zkevm-node "counters" (gas and the 7 ZK counters), bytes and txs. */
export type BatchLimits = { txs: number; gas: number; bytes: number; counters: Counters };

/** What the transactions of a batch use (sum over them; the batch's own overhead is added on top). */
export type BatchUsage = { txs: number; gas: number; bytes: number; counters: Counters };

/** The smallest possible transaction: 21,000 gas, and about 110 bytes of batch data (empty call, 1-byte fields). */
export const MIN_TX_GAS = 21_000;
export const MIN_TX_BYTES = 100;

export type ClosingReason =
  | 'timeout'
  | 'txs'
  | 'gas'
  | 'bytes'
  | `counter:${CounterName}`
  | 'forced-batch-deadline'
  | 'ger-deadline'
  | 'forced-batch';

export function zeroCounters(): Counters {
  return { steps: 0, keccakHashes: 0, poseidonHashes: 0, poseidonPaddings: 0, memAligns: 0, arithmetics: 0, binaries: 0 };
}

export function emptyUsage(): BatchUsage {
  return { txs: 0, gas: 0, bytes: 0, counters: zeroCounters() };
}

export function addCounters(a: Counters, b: Counters): Counters {
  const out = zeroCounters();
  for (const k of COUNTER_NAMES) out[k] = a[k] + b[k];
  return out;
}

/**
 * What a batch costs once, whatever its transactions (the executor's counter model,
 * `vcm.operations.batch`): the candidate mode of the executor counts only the candidates, so the
 * sequencer reserves this itself. The keccak part covers hashing the batch data, so it grows
 * with the batch's bytes.
 */
export function batchOverhead(bytes: number, mcp: number): Counters {
  return {
    steps: 372,
    keccakHashes: Math.ceil((bytes + 1) / 136) + 2,
    poseidonHashes: 2 * mcp + 46,
    poseidonPaddings: 0,
    memAligns: 0,
    arithmetics: 1,
    binaries: 6,
  };
}

/** Counters of a batch with its overhead. */
export function totalCounters(u: BatchUsage, mcp: number): Counters {
  return addCounters(u.counters, batchOverhead(u.bytes, mcp));
}

/**
 * The remaining resources sent with a candidate call. The overhead is reserved for the batch as
 * it would be with every candidate's bytes added, so whatever subset is included still fits.
 */
export function remainingFor(u: BatchUsage, limits: BatchLimits, mcp: number, candidateBytes: number): ResourceLimits {
  const reserved = addCounters(u.counters, batchOverhead(u.bytes + candidateBytes, mcp));
  const left = (k: CounterName) => Math.max(0, limits.counters[k] - reserved[k]);
  return {
    steps: left('steps'),
    keccakHashes: left('keccakHashes'),
    poseidonHashes: left('poseidonHashes'),
    poseidonPaddings: left('poseidonPaddings'),
    memAligns: left('memAligns'),
    arithmetics: left('arithmetics'),
    binaries: left('binaries'),
    gas: BigInt(Math.max(0, limits.gas - u.gas)),
    bytes: Math.max(0, limits.bytes - u.bytes),
    txs: Math.max(0, limits.txs - u.txs),
  };
}

/** Whether `need` (a transaction's measured resources) fits what `u` leaves of `limits`. */
export function fits(u: BatchUsage, need: { gas: number; bytes: number; counters: Counters }, limits: BatchLimits, mcp: number): boolean {
  if (u.txs + 1 > limits.txs || u.gas + need.gas > limits.gas || u.bytes + need.bytes > limits.bytes) return false;
  const total = addCounters(addCounters(u.counters, need.counters), batchOverhead(u.bytes + need.bytes, mcp));
  return COUNTER_NAMES.every((k) => total[k] <= limits.counters[k]);
}

export type ClosurePolicy = { limits: BatchLimits; marginPct: number; timeoutMs: number; mcp: number };

export type ClosureInput = {
  usage: BatchUsage;
  /** When the batch's first transaction was included (ms); null while it is empty. */
  firstTxAt: number | null;
  now: number;
  /** Deadlines (ms) of a pending forced batch and of a newer global exit root, when any. */
  forcedBatchDeadline?: number | null;
  gerDeadline?: number | null;
};

/**
 * Why the open batch must close now, or null. Gas, bytes or a ZK counter with at most `marginPct` %
 * of its limit left close the batch (the zkevm-node rule, which treats cumulative gas as one of
 * the counters: a nearly full batch rarely takes another tx, and trying costs an executor call);
 * so does a full tx count, or gas that cannot take even a plain transfer.
 */
export function closingReason(b: ClosureInput, p: ClosurePolicy): ClosingReason | null {
  const u = b.usage;
  const limits = p.limits;
  if (b.forcedBatchDeadline != null && b.now >= b.forcedBatchDeadline) return 'forced-batch-deadline';
  if (b.gerDeadline != null && b.now >= b.gerDeadline) return 'ger-deadline';
  if (u.txs >= limits.txs) return 'txs';
  const marginLeft = (left: number, limit: number) => left <= (limit * p.marginPct) / 100;
  const gasLeft = limits.gas - u.gas;
  if (gasLeft < MIN_TX_GAS || (u.txs > 0 && marginLeft(gasLeft, limits.gas))) return 'gas';
  const bytesLeft = limits.bytes - u.bytes;
  if (u.txs > 0 && (marginLeft(bytesLeft, limits.bytes) || bytesLeft < MIN_TX_BYTES)) return 'bytes';
  if (u.txs > 0) {
    const total = totalCounters(u, p.mcp);
    for (const k of COUNTER_NAMES) if (marginLeft(limits.counters[k] - total[k], limits.counters[k])) return `counter:${k}`;
  }
  if (b.firstTxAt !== null && b.now - b.firstTxAt >= p.timeoutMs) return 'timeout';
  return null;
}

/** Counters used (with the batch overhead) as a fraction of their limits. */
export function usageRatios(u: BatchUsage, limits: BatchLimits, mcp: number): Record<CounterName | 'gas' | 'bytes' | 'txs', number> {
  const total = totalCounters(u, mcp);
  const out = { gas: u.gas / limits.gas, bytes: u.bytes / limits.bytes, txs: u.txs / limits.txs } as Record<CounterName | 'gas' | 'bytes' | 'txs', number>;
  for (const k of COUNTER_NAMES) out[k] = total[k] / limits.counters[k];
  return out;
}
