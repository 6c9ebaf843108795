import type { PoolTx } from '@zkseq/pooldb';
import { addCounters, fits, zeroCounters, type BatchLimits, type BatchUsage, type Counters } from './resources';

/** Resources a transaction needed when it was executed (its counters alone, its gas used). */
export type Measured = { gas: number; counters: Counters };

type Membership = { has(hash: string): boolean };

export type SelectionState = {
  /** The open batch's usage, including transactions executed but not stored yet. */
  usage: BatchUsage;
  limits: BatchLimits;
  mcp: number;
  /** Executed (in the open batch's root) but not stored yet: skipped, their senders' next nonces follow. */
  inFlight: Membership;
  /** Not to be tried again in this batch (did not fit it, or an outcome is on its way to the pool). */
  excluded: Membership;
  /** Measurements from earlier attempts, used to skip what cannot fit. */
  measured: ReadonlyMap<string, Measured>;
  maxCandidates: number;
};

/** The call's candidates, and how many were passed over because they surely do not fit. */
export type Selection = { txs: PoolTx[]; skippedForResources: number };

/**
 * Picks the candidates of one executor call from the pool's price-ordered list (each sender's
 * transactions in nonce order). In price order, a transaction is taken when its lower-bound needs
 * (bytes, intrinsic gas, counters measured before) fit what the batch and the transactions taken
 * before it leave; otherwise the next best is tried. A sender's later nonces never go before an
 * earlier one that was not taken, so per-sender order stays strict. The executor has the last word
 * on what fits (candidate mode): this only avoids sending what surely does not.
 */
export function selectCandidates(pool: readonly PoolTx[], s: SelectionState): Selection {
  const blockedSenders = new Set<string>();
  const out: PoolTx[] = [];
  let acc: BatchUsage = { ...s.usage, counters: { ...s.usage.counters } };
  let skippedForResources = 0;
  for (const tx of pool) {
    if (out.length >= s.maxCandidates) break;
    if (s.inFlight.has(tx.hash)) continue;
    if (blockedSenders.has(tx.from)) continue;
    if (s.excluded.has(tx.hash)) {
      blockedSenders.add(tx.from);
      continue;
    }
    const m = s.measured.get(tx.hash);
    const bytes = (tx.l2Data.length - 2) / 2;
    const need = { gas: m?.gas ?? tx.intrinsicGas, bytes, counters: m?.counters ?? zeroCounters() };
    if (!fits(acc, need, s.limits, s.mcp)) {
      skippedForResources++;
      blockedSenders.add(tx.from);
      continue;
    }
    acc = { txs: acc.txs + 1, gas: acc.gas + need.gas, bytes: acc.bytes + bytes, counters: addCounters(acc.counters, need.counters) };
    out.push(tx);
  }
  return { txs: out, skippedForResources };
}
