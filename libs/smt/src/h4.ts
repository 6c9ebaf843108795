import { CodedError, HashDbErrorCode } from '@zkseq/errors';
import { P, type H4 } from '@zkseq/poseidon';

const MASK64 = (1n << 64n) - 1n;


/** The 256-bit integer N = h0 + h1·2^64 + h2·2^128 + h3·2^192 (spec 2.1). */
export function h4ToBigInt(h: Readonly<H4>): bigint {
  return h[0] | (h[1] << 64n) | (h[2] << 128n) | (h[3] << 192n);
}

export function bigIntToH4(n: bigint): H4 {
  return [n & MASK64, (n >> 64n) & MASK64, (n >> 128n) & MASK64, (n >> 192n) & MASK64];
}

/** 0x + 64 hex digits, big-endian N: words h3 ‖ h2 ‖ h1 ‖ h0. */
export function h4ToHex(h: Readonly<H4>): string {
  return '0x' + h4ToBigInt(h).toString(16).padStart(64, '0');
}

export function hexToH4(hex: string): H4 {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw new RangeError(`expected 0x + 64 hex digits, got ${JSON.stringify(hex)}`);
  return bigIntToH4(BigInt(hex));
}

export function h4Equal(a: Readonly<H4>, b: Readonly<H4>): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

export function isZeroH4(h: Readonly<H4>): boolean {
  return h[0] === 0n && h[1] === 0n && h[2] === 0n && h[3] === 0n;
}

/** Word i as (lo, hi) u32 into buf at u32 offset off + 2i. */
export function writeH4(buf: Uint32Array, off: number, h: Readonly<H4>): void {
  for (let i = 0; i < 4; i++) {
    buf[off + 2 * i] = Number(h[i] & 0xffffffffn);
    buf[off + 2 * i + 1] = Number(h[i] >> 32n);
  }
}

export function readH4(buf: Uint32Array, off: number): H4 {
  const w = (i: number) => (BigInt(buf[off + 2 * i + 1]) << 32n) | BigInt(buf[off + 2 * i]);
  return [w(0), w(1), w(2), w(3)];
}

function checkH4(h: unknown, what: string, code: HashDbErrorCode): H4 {
  if (!Array.isArray(h) || h.length !== 4 || h.some((w) => typeof w !== 'bigint' || w < 0n || w >= P)) {
    throw new CodedError(code, `${what} must be 4 field elements (each below p), got ${describe(h)}`);
  }
  return h as H4;
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Roots and keys are Poseidon outputs (or zero): every word < p. */
export const checkRoot = (h: unknown, what = 'root'): H4 => checkH4(h, what, HashDbErrorCode.InvalidRoot);
export const checkKey = (h: unknown, what = 'key'): H4 => checkH4(h, what, HashDbErrorCode.InvalidKey);

export function checkValue(v: unknown, what = 'value'): bigint {
  if (typeof v !== 'bigint' || v < 0n || v >= 1n << 256n) throw new CodedError(HashDbErrorCode.InvalidValue, `${what} must be a uint256, got ${describe(v)}`);
  return v;
}
