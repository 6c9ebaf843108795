export type Fees = { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };

/** The fee to offer now: room for the base fee to double, plus the node's tip suggestion. */
export function suggestFees(baseFee: bigint, tip: bigint): Fees {
  return { maxFeePerGas: 2n * baseFee + tip, maxPriorityFeePerGas: tip };
}

/** Highest maxFeePerGas we accept to pay: `multiplier` × the current suggestion, and the absolute cap if set. */
export function feeCap(suggestion: Fees, multiplier: number, absoluteCap?: bigint): bigint {
  const relative = (suggestion.maxFeePerGas * BigInt(Math.round(multiplier * 100))) / 100n;
  return absoluteCap !== undefined && absoluteCap < relative ? absoluteCap : relative;
}

/** The first offer, clipped to the cap. */
export function initialFees(suggestion: Fees, cap: bigint): Fees {
  const maxFeePerGas = suggestion.maxFeePerGas < cap ? suggestion.maxFeePerGas : cap;
  const maxPriorityFeePerGas = suggestion.maxPriorityFeePerGas < maxFeePerGas ? suggestion.maxPriorityFeePerGas : maxFeePerGas;
  return { maxFeePerGas, maxPriorityFeePerGas };
}

const raise = (v: bigint, pct: number) => (v * BigInt(100 + pct) + 99n) / 100n;
const max = (a: bigint, b: bigint) => (a > b ? a : b);

/**
 * The replacement's fees: both fields at least +pct% over the previous attempt (what nodes demand
 * to replace a pending transaction) and at least the current suggestion. Null when that would
 * exceed the cap: the previous attempt then stays the live one.
 */
export function bumpFees(prev: Fees, suggestion: Fees, pct: number, cap: bigint): Fees | null {
  const maxPriorityFeePerGas = max(raise(prev.maxPriorityFeePerGas, pct), suggestion.maxPriorityFeePerGas);
  const maxFeePerGas = max(max(raise(prev.maxFeePerGas, pct), suggestion.maxFeePerGas), maxPriorityFeePerGas);
  return maxFeePerGas > cap ? null : { maxFeePerGas, maxPriorityFeePerGas };
}
