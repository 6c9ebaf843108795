import { bumpFees, feeCap, initialFees, suggestFees } from './fees';

const gwei = 10n ** 9n;

describe('fees', () => {
  it('suggests room for the base fee to double plus the tip', () => {
    expect(suggestFees(10n * gwei, 2n * gwei)).toEqual({ maxFeePerGas: 22n * gwei, maxPriorityFeePerGas: 2n * gwei });
  });

  it('caps at a multiple of the suggestion, or the absolute cap when lower', () => {
    const s = suggestFees(10n * gwei, 2n * gwei);
    expect(feeCap(s, 5)).toBe(110n * gwei);
    expect(feeCap(s, 1.5)).toBe(33n * gwei);
    expect(feeCap(s, 5, 50n * gwei)).toBe(50n * gwei);
    expect(initialFees(s, 20n * gwei)).toEqual({ maxFeePerGas: 20n * gwei, maxPriorityFeePerGas: 2n * gwei });
    expect(initialFees(s, gwei)).toEqual({ maxFeePerGas: gwei, maxPriorityFeePerGas: gwei });
  });

  it('bumps both fields by at least the percentage, rounding up, and never below the suggestion', () => {
    const prev = { maxFeePerGas: 101n, maxPriorityFeePerGas: 11n };
    const low = { maxFeePerGas: 1n, maxPriorityFeePerGas: 1n };
    expect(bumpFees(prev, low, 10, 1000n)).toEqual({ maxFeePerGas: 112n, maxPriorityFeePerGas: 13n });
    const high = { maxFeePerGas: 500n, maxPriorityFeePerGas: 50n };
    expect(bumpFees(prev, high, 10, 1000n)).toEqual({ maxFeePerGas: 500n, maxPriorityFeePerGas: 50n });
    expect(bumpFees(prev, low, 25, 1000n)).toEqual({ maxFeePerGas: 127n, maxPriorityFeePerGas: 14n });
  });

  it('refuses a bump above the cap', () => {
    expect(bumpFees({ maxFeePerGas: 100n, maxPriorityFeePerGas: 10n }, { maxFeePerGas: 1n, maxPriorityFeePerGas: 1n }, 10, 109n)).toBeNull();
    expect(bumpFees({ maxFeePerGas: 100n, maxPriorityFeePerGas: 10n }, { maxFeePerGas: 1n, maxPriorityFeePerGas: 1n }, 10, 110n)).not.toBeNull();
  });
});
