// Poseidon (Goldilocks, t = 12) in AssemblyScript. WebAssembly has no 64x64->128 multiply, so
// products are built from 32-bit partial products. Same lazy scheme as the C kernel: words stay
// in [0, 2^64) between operations and are made canonical on output.
import { RC, MDS_CIRC, MDS_DIAG } from './constants';

const EPSILON: u64 = 0xffffffff;
const P: u64 = 0xffffffff00000001;
const STATE = new StaticArray<u64>(12);
const SL = new StaticArray<u64>(12);
const SH = new StaticArray<u64>(12);
const MDS = new StaticArray<u64>(144);
for (let i = 0; i < 12; i++) {
  for (let j = 0; j < 12; j++) unchecked((MDS[12 * j + i] = MDS_CIRC[(j - i + 12) % 12] + (i == j ? MDS_DIAG[i] : 0)));
}

// @ts-ignore: decorator
@inline function reduce(lo: u64, hi: u64): u64 {
  const hh = hi >> 32;
  const hl = hi & EPSILON;
  // select() compiles to a branch-free wasm select: the conditions are data-dependent.
  const t0 = lo - hh - select<u64>(EPSILON, 0, lo < hh);
  const t1 = hl * EPSILON;
  const t2 = t0 + t1;
  return t2 + select<u64>(EPSILON, 0, t2 < t1);
}

// @ts-ignore: decorator
@inline function mulm(a: u64, b: u64): u64 {
  const a0 = a & EPSILON, a1 = a >> 32, b0 = b & EPSILON, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = p01 + p10;
  const midCarry: u64 = mid < p01 ? <u64>1 << 32 : 0;
  const lo = p00 + (mid << 32);
  const loCarry: u64 = lo < p00 ? 1 : 0;
  return reduce(lo, p11 + (mid >> 32) + midCarry + loCarry);
}

// @ts-ignore: decorator
@inline function addm(a: u64, b: u64): u64 {
  const t = a + b;
  return t + select<u64>(EPSILON, 0, t < b);
}

// @ts-ignore: decorator
@inline function pow7(x: u64): u64 {
  const x2 = mulm(x, x);
  const x3 = mulm(x2, x);
  const x4 = mulm(x2, x2);
  return mulm(x3, x4);
}

// MDS entries are below 64: sum each output on 32-bit halves and reduce once (sum < 2^80).
// @ts-ignore: decorator
@inline function mds(): void {
  for (let i = 0; i < 12; i++) {
    unchecked((SL[i] = 0));
    unchecked((SH[i] = 0));
  }
  for (let j = 0; j < 12; j++) {
    const x = unchecked(STATE[j]);
    const lo = x & EPSILON, hi = x >> 32;
    for (let i = 0; i < 12; i++) {
      const c = unchecked(MDS[12 * j + i]);
      unchecked((SL[i] += c * lo));
      unchecked((SH[i] += c * hi));
    }
  }
  for (let i = 0; i < 12; i++) {
    const sl = unchecked(SL[i]), sh = unchecked(SH[i]);
    const shl = sh << 32;
    const lo = sl + shl;
    const hi = (sh >> 32) + (lo < shl ? 1 : 0);
    unchecked((STATE[i] = reduce(lo, hi)));
  }
}

function permute(): void {
  for (let r = 0; r < 30; r++) {
    const full = r < 4 || r >= 26;
    for (let i = 0; i < 12; i++) unchecked((STATE[i] = addm(STATE[i], RC[12 * r + i])));
    if (full) {
      for (let i = 0; i < 12; i++) unchecked((STATE[i] = pow7(STATE[i])));
    } else {
      unchecked((STATE[0] = pow7(STATE[0])));
    }
    mds();
  }
}

/** Hashes `count` states of 12 words at `inPtr` into 4 canonical words each at `outPtr`. */
export function hashMany(inPtr: usize, outPtr: usize, count: u32): void {
  for (let k: u32 = 0; k < count; k++) {
    const src = inPtr + 96 * <usize>k;
    for (let i = 0; i < 12; i++) unchecked((STATE[i] = load<u64>(src + 8 * i)));
    permute();
    const dst = outPtr + 32 * <usize>k;
    for (let i = 0; i < 4; i++) {
      const x = unchecked(STATE[i]);
      store<u64>(dst + 8 * i, x >= P ? x - P : x);
    }
  }
}

/** Reserves `size` bytes for the host's buffers (the module's own arrays live on the same heap). */
export function alloc(size: usize): usize {
  return heap.alloc(size);
}
