import { keccak256 } from 'ethers';
import { accInputHashStep, type Hex } from '@zkseq/contracts';
import { SequencingErrorCode } from '@zkseq/errors';
import type { Batch } from '@zkseq/statedb';

/** One batch as L1 received it, from `sequenceBatches` or `sequenceForceBatches` calldata. */
export type L1Batch = { transactions: Hex; globalExitRoot: Hex; timestamp: bigint; forced: boolean };

/** A sequence as L1 holds it: its batches, the coinbase they were chained with and the stored hash. */
export type L1Sequence = {
  /** Last batch number (the event's numBatch). */
  lastBatch: number;
  batches: L1Batch[];
  coinbase: Hex;
  /** `sequencedBatches(lastBatch).accInputHash` as stored by the rollup. */
  accInputHash: Hex;
};

export type Mismatch = {
  code: SequencingErrorCode;
  batchNumber: number;
  field: string;
  ours: string | null;
  l1: string;
};

const same = (a: string | null | undefined, b: string) => a !== null && a !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * Compares an L1 sequence with the trusted batches it should carry. `local` holds the batch
 * before the sequence followed by the sequence's batches, in order (missing ones absent). The
 * accInputHash is chained from our previous batch over L1's data; every batch's stored hash must
 * equal that chain, and the last one must equal what the rollup stored. Returns the first
 * difference, or null when L1 carries exactly our batches.
 */
export function checkSequence(seq: L1Sequence, local: Batch[]): Mismatch | null {
  const first = seq.lastBatch - seq.batches.length + 1;
  const byNumber = new Map(local.map((b) => [b.number, b]));
  const prev = byNumber.get(first - 1);
  if (!prev || prev.accInputHash === null) {
    return { code: SequencingErrorCode.UnknownBatch, batchNumber: first - 1, field: 'accInputHash', ours: null, l1: 'the batch before the sequence' };
  }
  let acc: Hex = prev.accInputHash;
  for (let i = 0; i < seq.batches.length; i++) {
    const n = first + i;
    const l1 = seq.batches[i];
    const ours = byNumber.get(n);
    const differ = (field: string, o: string | null, l: string): Mismatch => ({ code: SequencingErrorCode.TrustedReorg, batchNumber: n, field, ours: o, l1: l });
    if (!ours || ours.status === 'open') {
      return { code: SequencingErrorCode.UnknownBatch, batchNumber: n, field: 'status', ours: ours?.status ?? null, l1: 'sequenced' };
    }
    if (!same(ours.batchL2Data, l1.transactions)) return differ('batchL2Data (keccak256)', keccak256(ours.batchL2Data), keccak256(l1.transactions));
    if (!same(ours.globalExitRoot, l1.globalExitRoot)) return differ('globalExitRoot', ours.globalExitRoot, l1.globalExitRoot);
    if (BigInt(ours.timestamp) !== l1.timestamp) return differ('timestamp', String(ours.timestamp), l1.timestamp.toString());
    if (!same(ours.coinbase, seq.coinbase)) return differ('coinbase', ours.coinbase, seq.coinbase);
    if ((ours.forcedBatchNum !== null) !== l1.forced) return differ('forced', String(ours.forcedBatchNum !== null), String(l1.forced));
    acc = accInputHashStep(acc, l1.transactions, l1.globalExitRoot, l1.timestamp, seq.coinbase);
    const isLast = i === seq.batches.length - 1;
    const expected = isLast ? seq.accInputHash : acc;
    if (!same(ours.accInputHash, expected)) {
      return { code: SequencingErrorCode.AccInputHashMismatch, batchNumber: n, field: isLast ? 'accInputHash (stored by the rollup)' : 'accInputHash (chained over L1 data)', ours: ours.accInputHash, l1: expected };
    }
  }
  // Only reachable when our chain and our stored hashes agree but the rollup chained differently.
  if (!same(acc, seq.accInputHash)) {
    return { code: SequencingErrorCode.AccInputHashMismatch, batchNumber: seq.lastBatch, field: 'accInputHash (rollup vs chain over its own data)', ours: acc, l1: seq.accInputHash };
  }
  return null;
}
