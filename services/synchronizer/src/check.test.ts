import { getAddress } from 'ethers';
import { accInputHashStep, type Hex } from '@zkseq/contracts';
import { SequencingErrorCode } from '@zkseq/errors';
import type { Batch } from '@zkseq/statedb';
import { checkSequence, type L1Sequence } from './check';

// Checksummed as L1 decoding returns it; the StateDB holds it in lower case.
const COINBASE = getAddress('0x00000000000000000000000000000000c01bba5e') as Hex;
const ZERO: Hex = `0x${'00'.repeat(32)}`;
const GER: Hex = `0x${'11'.repeat(32)}`;

function chain(count: number): { batches: Batch[]; seq: L1Sequence } {
  const batches: Batch[] = [];
  const base = { stateRoot: ZERO, localExitRoot: ZERO, closingReason: 'timeout', resources: { gasUsed: 0, bytes: 0, txCount: 0, counters: {} }, openedAt: 0, closedAt: 1, sendSequencesTxHash: null, virtualL1Block: null, forcedBatchNum: null };
  batches.push({ ...base, number: 4, coinbase: COINBASE, timestamp: 90, globalExitRoot: ZERO, accInputHash: `0x${'42'.repeat(32)}`, batchL2Data: '0x', status: 'virtual' });
  let acc = batches[0].accInputHash!;
  const l1: L1Sequence['batches'] = [];
  for (let i = 0; i < count; i++) {
    const data = `0x${'ab'.repeat(i + 1)}` as Hex;
    const ger = i === 1 ? GER : ZERO;
    acc = accInputHashStep(acc, data, ger, BigInt(100 + i), COINBASE);
    batches.push({ ...base, number: 5 + i, coinbase: COINBASE.toLowerCase() as Hex, timestamp: 100 + i, globalExitRoot: ger, accInputHash: acc, batchL2Data: data, status: 'closed' });
    l1.push({ transactions: data, globalExitRoot: ger, timestamp: BigInt(100 + i), forced: false });
  }
  return { batches, seq: { lastBatch: 4 + count, batches: l1, coinbase: COINBASE, accInputHash: acc } };
}

describe('checkSequence', () => {
  it('accepts L1 carrying exactly our batches (addresses compared case-insensitively)', () => {
    const { batches, seq } = chain(3);
    expect(checkSequence(seq, batches)).toBeNull();
  });

  it('names the first field that differs', () => {
    const cases: [string, (c: ReturnType<typeof chain>) => void, Partial<ReturnType<typeof checkSequence>>][] = [
      ['data', (c) => (c.seq.batches[1].transactions = '0xabac'), { code: SequencingErrorCode.TrustedReorg, batchNumber: 6, field: 'batchL2Data (keccak256)' }],
      ['ger', (c) => (c.seq.batches[1].globalExitRoot = ZERO), { code: SequencingErrorCode.TrustedReorg, batchNumber: 6, field: 'globalExitRoot' }],
      ['timestamp', (c) => (c.seq.batches[2].timestamp = 99n), { code: SequencingErrorCode.TrustedReorg, batchNumber: 7, field: 'timestamp', ours: '102', l1: '99' }],
      ['coinbase', (c) => (c.seq.coinbase = `0x${'01'.repeat(20)}`), { code: SequencingErrorCode.TrustedReorg, batchNumber: 5, field: 'coinbase' }],
      ['forced', (c) => (c.seq.batches[0].forced = true), { code: SequencingErrorCode.TrustedReorg, batchNumber: 5, field: 'forced' }],
      ['stored hash', (c) => (c.batches[2].accInputHash = ZERO), { code: SequencingErrorCode.AccInputHashMismatch, batchNumber: 6, field: 'accInputHash (chained over L1 data)' }],
      ['rollup hash', (c) => (c.seq.accInputHash = ZERO), { code: SequencingErrorCode.AccInputHashMismatch, batchNumber: 7, field: 'accInputHash (stored by the rollup)' }],
      ['unknown', (c) => c.batches.pop(), { code: SequencingErrorCode.UnknownBatch, batchNumber: 7, ours: null }],
      ['open', (c) => (c.batches[3].status = 'open'), { code: SequencingErrorCode.UnknownBatch, batchNumber: 7, ours: 'open' }],
      ['no previous', (c) => c.batches.shift(), { code: SequencingErrorCode.UnknownBatch, batchNumber: 4 }],
    ];
    for (const [name, mutate, expected] of cases) {
      const c = chain(3);
      mutate(c);
      expect([name, checkSequence(c.seq, c.batches)]).toEqual([name, expect.objectContaining(expected)]);
    }
  });
});
