import { encodeSequenceBatches, type Hex } from '@zkseq/contracts';
import { batchCalldataBytes, CALLDATA_BASE_BYTES, nextGroup, type Candidate, type GroupLimits } from './group';

const COINBASE: Hex = '0x00000000000000000000000000000000c01bba5e';
const OTHER: Hex = '0x0000000000000000000000000000000000000bad';
const ZERO: Hex = `0x${'00'.repeat(32)}`;

function batch(number: number, dataLength: number, over: Partial<Candidate> = {}): Candidate {
  return {
    number, coinbase: COINBASE, timestamp: 1000 + number, globalExitRoot: ZERO, batchL2Data: `0x${'ab'.repeat(dataLength)}`,
    closedAt: 10_000 + number, forcedBatchNum: null, gerOnL1: true, minForcedTimestamp: null, ...over,
  };
}

const limits: GroupLimits = { maxTxBytes: 131_072, maxBatches: 1000, maxWaitMs: 5000 };

describe('nextGroup', () => {
  it('computes the exact calldata size of sequenceBatches', () => {
    for (const lengths of [[0], [1], [31, 32, 33], [120_000, 5, 0]]) {
      const encoded = encodeSequenceBatches(lengths.map((l, i) => ({ transactions: batch(i, l).batchL2Data, globalExitRoot: ZERO, timestamp: 1n, minForcedTimestamp: 0n })), COINBASE);
      expect((encoded.length - 2) / 2).toBe(CALLDATA_BASE_BYTES + lengths.reduce((s, l) => s + batchCalldataBytes(l), 0));
    }
  });

  it('fills up to the byte limit of the L1 transaction and says it is full', () => {
    const cands = [1, 2, 3, 4].map((n) => batch(n, 50_000));
    const g = nextGroup(cands, limits, 2000, 10_001)!;
    expect(g.batches.map((b) => b.number)).toEqual([1, 2]);
    expect(g.stop).toBe('bytes');
    expect(g.ready).toBe(true);
    expect(g.calldataBytes).toBeLessThanOrEqual(limits.maxTxBytes);
  });

  it('stops at the batch-count limit', () => {
    const g = nextGroup([1, 2, 3, 4, 5].map((n) => batch(n, 10)), { ...limits, maxBatches: 3 }, 2000, 10_001)!;
    expect(g.batches.map((b) => b.number)).toEqual([1, 2, 3]);
    expect(g).toMatchObject({ stop: 'count', ready: true });
    expect(nextGroup([1, 2, 3].map((n) => batch(n, 10)), { ...limits, maxBatches: 3 }, 2000, 10_001)).toMatchObject({ stop: 'count', ready: true });
  });

  it('waits for more batches until the oldest one has waited long enough', () => {
    const cands = [batch(1, 100), batch(2, 100)];
    expect(nextGroup(cands, limits, 2000, 10_001 + 4000)).toMatchObject({ ready: false, waitMs: 1000, stop: 'end' });
    expect(nextGroup(cands, limits, 2000, 10_001 + 5000)).toMatchObject({ ready: true, waitMs: 0 });
  });

  it('keeps one coinbase per sequence and never sends a timestamp ahead of L1', () => {
    const g = nextGroup([batch(1, 1), batch(2, 1), batch(3, 1, { coinbase: OTHER })], limits, 2000, 10_002)!;
    expect(g.batches.map((b) => b.number)).toEqual([1, 2]);
    expect(g).toMatchObject({ stop: 'coinbase', ready: true });
    const early = nextGroup([batch(1, 1), batch(2, 1, { timestamp: 3000 })], limits, 2000, 10_002)!;
    expect(early.batches.map((b) => b.number)).toEqual([1]);
    expect(early).toMatchObject({ stop: 'l1-time', ready: false });
    expect(nextGroup([batch(1, 1, { timestamp: 3000 })], limits, 2000, 99_999)).toBeNull();
  });

  it('holds batches whose GER or forced-batch data is not on L1 yet', () => {
    expect(nextGroup([batch(1, 1, { gerOnL1: false })], limits, 2000, 99_999)).toBeNull();
    expect(nextGroup([batch(1, 1), batch(2, 1, { forcedBatchNum: 1 })], limits, 2000, 99_999)).toMatchObject({ stop: 'forced-unknown', ready: true });
    expect(nextGroup([batch(1, 1, { forcedBatchNum: 1, minForcedTimestamp: 5n })], limits, 2000, 99_999)?.batches).toHaveLength(1);
  });
});
