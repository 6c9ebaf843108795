/** The Goldilocks prime p = 2^64 - 2^32 + 1. */
export const P = 0xffffffff00000001n;

/** Four field elements: a hash, root or key (spec 2.1, word 0 least significant). */
export type H4 = [bigint, bigint, bigint, bigint];

export const Z4: Readonly<H4> = Object.freeze([0n, 0n, 0n, 0n]) as Readonly<H4>;

/** Reduces any integer (negative ones too, e.g. the vectors' "-1") into [0, p). */
export function fe(x: bigint): bigint {
  const r = x % P;
  return r < 0n ? r + P : r;
}

export function add(a: bigint, b: bigint): bigint {
  return (a + b) % P;
}

export function mul(a: bigint, b: bigint): bigint {
  return (a * b) % P;
}

export function pow7(x: bigint): bigint {
  const x2 = (x * x) % P;
  const x4 = (x2 * x2) % P;
  return (((x4 * x2) % P) * x) % P;
}
