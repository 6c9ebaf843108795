import { batchOverhead, closingReason, emptyUsage, fits, remainingFor, zeroCounters, type BatchLimits, type BatchUsage } from './resources';

const limits: BatchLimits = {
  txs: 300, gas: 30_000_000, bytes: 120_000,
  counters: { steps: 7_570_538, keccakHashes: 2_145, poseidonHashes: 252_357, poseidonPaddings: 135_191, memAligns: 236_585, arithmetics: 236_585, binaries: 473_170 },
};
const policy = { limits, marginPct: 10, timeoutMs: 10_000, mcp: 32 };
const usage = (over: Partial<Omit<BatchUsage, 'counters'>> & { counters?: Partial<BatchUsage['counters']> } = {}): BatchUsage => ({
  ...emptyUsage(), txs: 1, gas: 21_000, bytes: 110, ...over, counters: { ...zeroCounters(), ...over.counters },
});

describe('batch closure policy', () => {
  it('closes on each resource with at most the margin left, counting the batch overhead', () => {
    expect(closingReason({ usage: usage(), firstTxAt: 0, now: 1 }, policy)).toBeNull();
    expect(closingReason({ usage: usage({ txs: 300 }), firstTxAt: 0, now: 1 }, policy)).toBe('txs');
    expect(closingReason({ usage: usage({ gas: 27_000_000 }), firstTxAt: 0, now: 1 }, policy)).toBe('gas');
    expect(closingReason({ usage: usage({ gas: 26_999_999 }), firstTxAt: 0, now: 1 }, policy)).toBeNull();
    expect(closingReason({ usage: usage({ gas: 30_000_000 - 20_999 }), firstTxAt: 0, now: 1 }, { ...policy, marginPct: 0 })).toBe('gas');
    expect(closingReason({ usage: usage({ gas: 30_000_000 - 21_000 }), firstTxAt: 0, now: 1 }, { ...policy, marginPct: 0 })).toBeNull();
    expect(closingReason({ usage: usage({ bytes: 108_000 }), firstTxAt: 0, now: 1 }, policy)).toBe('bytes');
    expect(closingReason({ usage: usage({ bytes: 107_999 }), firstTxAt: 0, now: 1 }, policy)).toBeNull();
    // 90% of steps used including the 372-step batch overhead.
    const steps90 = Math.ceil(limits.counters.steps * 0.9) - 372;
    expect(closingReason({ usage: usage({ counters: { steps: steps90 } }), firstTxAt: 0, now: 1 }, policy)).toBe('counter:steps');
    expect(closingReason({ usage: usage({ counters: { steps: steps90 - 2 } }), firstTxAt: 0, now: 1 }, policy)).toBeNull();
    // keccak: the overhead grows with the batch data (hashing it).
    const k = batchOverhead(100_000, 32).keccakHashes;
    expect(k).toBe(Math.ceil(100_001 / 136) + 2);
    expect(closingReason({ usage: usage({ bytes: 100_000, counters: { keccakHashes: Math.ceil(2_145 * 0.9) - k } }), firstTxAt: 0, now: 1 }, policy)).toBe('counter:keccakHashes');
  });

  it('closes a non-empty batch at its timeout, never an empty one, and at forced-batch / GER deadlines', () => {
    expect(closingReason({ usage: usage(), firstTxAt: 1_000, now: 10_999 }, policy)).toBeNull();
    expect(closingReason({ usage: usage(), firstTxAt: 1_000, now: 11_000 }, policy)).toBe('timeout');
    expect(closingReason({ usage: emptyUsage(), firstTxAt: null, now: 1e9 }, policy)).toBeNull();
    expect(closingReason({ usage: usage(), firstTxAt: 1_000, now: 2_000, forcedBatchDeadline: 2_000 }, policy)).toBe('forced-batch-deadline');
    expect(closingReason({ usage: usage(), firstTxAt: 1_000, now: 2_000, forcedBatchDeadline: 2_001 }, policy)).toBeNull();
    expect(closingReason({ usage: usage(), firstTxAt: 1_000, now: 2_000, gerDeadline: 1_500 }, policy)).toBe('ger-deadline');
    expect(closingReason({ usage: usage(), firstTxAt: 1_000, now: 2_000 }, { ...policy, marginPct: 0, timeoutMs: 500 })).toBe('timeout');
  });

  it('sends the executor what is left after the batch overhead for all candidate bytes', () => {
    const u = usage({ txs: 10, gas: 1_000_000, bytes: 1_100, counters: { steps: 100_000, keccakHashes: 20, poseidonHashes: 5_000 } });
    const r = remainingFor(u, limits, 32, 13_600);
    expect(r).toMatchObject({ txs: 290, gas: 29_000_000n, bytes: 118_900, steps: limits.counters.steps - 100_000 - 372 });
    expect(r.keccakHashes).toBe(2_145 - 20 - (Math.ceil(14_701 / 136) + 2));
    expect(r.poseidonHashes).toBe(252_357 - 5_000 - (2 * 32 + 46));
    expect(remainingFor(usage({ counters: { keccakHashes: 5_000 } }), limits, 32, 0).keccakHashes).toBe(0);
  });

  it('says whether a measured transaction fits', () => {
    const big = { gas: 100_000, bytes: 200, counters: { ...zeroCounters(), steps: 4_000_000 } };
    expect(fits(emptyUsage(), big, limits, 32)).toBe(true);
    expect(fits(usage({ counters: { steps: 3_600_000 } }), big, limits, 32)).toBe(false);
    expect(fits(usage({ txs: 300 }), { gas: 21_000, bytes: 110, counters: zeroCounters() }, limits, 32)).toBe(false);
    expect(fits(emptyUsage(), { ...big, counters: { ...zeroCounters(), steps: limits.counters.steps } }, limits, 32)).toBe(false);
  });
});
