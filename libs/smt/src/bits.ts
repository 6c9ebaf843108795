// 64-bit words as (lo, hi) u32 pairs: an h4 is 8 u32 at some offset of a Uint32Array.

/** Path bit at `level` (spec 2.3): bit floor(level/4) of word level mod 4. */
export function pathBit(buf: Uint32Array, off: number, level: number): number {
  const w = off + 2 * (level & 3);
  const b = level >> 2;
  return b < 32 ? (buf[w] >>> b) & 1 : (buf[w + 1] >>> (b - 32)) & 1;
}

/** Shift of word i for a leaf at `depth`: floor(depth/4) + (i < depth mod 4). */
function shiftOf(depth: number, i: number): number {
  return (depth >> 2) + (i < (depth & 3) ? 1 : 0);
}

/** Remaining key for a leaf at `depth` (spec 2.3), key at (src, so) into (dst, dof). */
export function remainingKey(src: Uint32Array, so: number, depth: number, dst: Uint32Array, dof: number): void {
  for (let i = 0; i < 4; i++) {
    const n = shiftOf(depth, i);
    const lo = src[so + 2 * i], hi = src[so + 2 * i + 1];
    let rl: number, rh: number;
    if (n === 0) (rl = lo), (rh = hi);
    else if (n < 32) (rl = ((lo >>> n) | (hi << (32 - n))) >>> 0), (rh = hi >>> n);
    else if (n < 64) (rl = hi >>> (n - 32)), (rh = 0);
    else (rl = 0), (rh = 0);
    dst[dof + 2 * i] = rl;
    dst[dof + 2 * i + 1] = rh;
  }
}

/**
 * Full key of a leaf found at `depth` with remaining key (rk, ro): the low path bits come from
 * `ref`, any key that shares the leaf's path prefix (spec 2.3, re-joining).
 */
export function rejoinKey(rk: Uint32Array, ro: number, depth: number, ref: Uint32Array, rf: number, dst: Uint32Array, dof: number): void {
  for (let i = 0; i < 4; i++) {
    const n = shiftOf(depth, i);
    const lo = rk[ro + 2 * i], hi = rk[ro + 2 * i + 1];
    let kl: number, kh: number;
    if (n === 0) (kl = lo), (kh = hi);
    else if (n < 32) (kl = (lo << n) >>> 0), (kh = ((hi << n) | (lo >>> (32 - n))) >>> 0);
    else if (n < 64) (kl = 0), (kh = (lo << (n - 32)) >>> 0);
    else (kl = 0), (kh = 0);
    const ml = n >= 32 ? 0xffffffff : (1 << n) - 1;
    const mh = n <= 32 ? 0 : n >= 64 ? 0xffffffff : (1 << (n - 32)) - 1;
    dst[dof + 2 * i] = (kl | (ref[rf + 2 * i] & ml)) >>> 0;
    dst[dof + 2 * i + 1] = (kh | (ref[rf + 2 * i + 1] & mh)) >>> 0;
  }
}

/** Copies n words; for the 8- and 16-word copies of tree code a loop beats subarray + set, which allocates a view. */
export function copyWords(src: Uint32Array, so: number, dst: Uint32Array, dof: number, n: number): void {
  for (let i = 0; i < n; i++) dst[dof + i] = src[so + i];
}

export function equal8(a: Uint32Array, ao: number, b: Uint32Array, bo: number): boolean {
  for (let i = 0; i < 8; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}

export function isZero8(a: Uint32Array, ao: number): boolean {
  for (let i = 0; i < 8; i++) if (a[ao + i] !== 0) return false;
  return true;
}

/** Binary string of a key, for Map keys (hex is slower to build). */
export function key8(a: Uint32Array, ao: number): string {
  return String.fromCharCode(
    a[ao] & 0xffff, a[ao] >>> 16, a[ao + 1] & 0xffff, a[ao + 1] >>> 16, a[ao + 2] & 0xffff, a[ao + 2] >>> 16, a[ao + 3] & 0xffff, a[ao + 3] >>> 16,
    a[ao + 4] & 0xffff, a[ao + 4] >>> 16, a[ao + 5] & 0xffff, a[ao + 5] >>> 16, a[ao + 6] & 0xffff, a[ao + 6] >>> 16, a[ao + 7] & 0xffff, a[ao + 7] >>> 16,
  );
}
