import { accInputHash, concatBytes, fromHex, keccak256, toHex } from '@zkseq/batch';
import type { H4 } from '@zkseq/smt';
import type { BatchResources, Hex } from '@zkseq/statedb';
import { COUNTER_NAMES, emptyUsage, zeroCounters, type BatchUsage } from './resources';
import type { Measured } from './selection';

export const ZERO_HASH: Hex = `0x${'0'.repeat(64)}`;

/** Where the chain stands after the last batch that is closed (or about to be, in the persist queue). */
export type ChainTip = {
  lastBatch: number;
  /** Final state root of that batch: the next batch starts from it. */
  stateRoot: H4;
  accInputHash: Hex;
  timestamp: number;
  lastForcedBatch: number;
};

/** The open batch as the sequencer holds it: everything executed so far, stored or not. */
export type OpenBatch = {
  number: number;
  timestamp: number;
  globalExitRoot: Hex;
  coinbase: Hex;
  forcedBatchNum: number | null;
  /** Root before the batch, and after its last executed transaction. */
  initialRoot: H4;
  root: H4;
  localExitRoot: Hex;
  usage: BatchUsage;
  entries: Uint8Array[];
  /** When the first transaction was included (ms): the batch timeout counts from here. */
  firstTxAt: number | null;
  /** Whether the batch record exists in the StateDB (it is written with the first transaction). */
  opened: boolean;
  prevAccInputHash: Hex;
  /** Transactions not to be tried again in this batch (they did not fit). */
  excluded: Set<string>;
};

export function newBatch(tip: ChainTip, o: { coinbase: Hex; globalExitRoot: Hex; nowMs: number }): OpenBatch {
  return {
    number: tip.lastBatch + 1,
    timestamp: Math.max(Math.floor(o.nowMs / 1000), tip.timestamp),
    globalExitRoot: o.globalExitRoot,
    coinbase: o.coinbase,
    forcedBatchNum: null,
    initialRoot: tip.stateRoot,
    root: tip.stateRoot,
    localExitRoot: ZERO_HASH,
    usage: emptyUsage(),
    entries: [],
    firstTxAt: null,
    opened: false,
    prevAccInputHash: tip.accInputHash,
    excluded: new Set(),
  };
}

export function batchL2Data(b: OpenBatch): Uint8Array {
  return concatBytes(...b.entries);
}

/** Pre-etrog accInputHash of the batch over its data (no re-execution needed to close). */
export function closingAccInputHash(prev: Hex, data: Uint8Array, ger: Hex, timestamp: number, coinbase: Hex): Hex {
  // batchHashData = keccak256(batchL2Data), natively: up to 120 kB per batch.
  return toHex(accInputHash(fromHex(prev), keccak256(data), fromHex(ger), BigInt(timestamp), fromHex(coinbase))) as Hex;
}

export function usageToResources(u: BatchUsage): BatchResources {
  return { gasUsed: u.gas, bytes: u.bytes, txCount: u.txs, counters: { ...u.counters } };
}

export function resourcesToUsage(r: BatchResources): BatchUsage {
  const counters = zeroCounters();
  for (const k of COUNTER_NAMES) counters[k] = Number(r.counters[k] ?? 0);
  return { txs: r.txCount, gas: r.gasUsed, bytes: r.bytes, counters };
}

export function addTx(u: BatchUsage, m: Measured, bytes: number): BatchUsage {
  const counters = zeroCounters();
  for (const k of COUNTER_NAMES) counters[k] = u.counters[k] + m.counters[k];
  return { txs: u.txs + 1, gas: u.gas + m.gas, bytes: u.bytes + bytes, counters };
}
