import { CodedError, HashDbErrorCode } from '@zkseq/errors';
import { P, type H4 } from '@zkseq/poseidon';

// Wire encodings of proto/hashdb.proto, shared by the client and the service.

/** 32 bytes: h0..h3, each 64-bit little-endian. */
export function h4ToBytes(h: Readonly<H4>): Buffer {
  const b = Buffer.allocUnsafe(32);
  for (let i = 0; i < 4; i++) b.writeBigUInt64LE(h[i], 8 * i);
  return b;
}

export function bytesToH4(b: Uint8Array | undefined, what: string, code: HashDbErrorCode): H4 {
  if (!b || b.length !== 32) throw new CodedError(code, `${what} must be 32 bytes (4 little-endian field elements), got ${b?.length ?? 0}`);
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  const h = [0, 1, 2, 3].map((i) => buf.readBigUInt64LE(8 * i)) as H4;
  if (h.some((w) => w >= P)) throw new CodedError(code, `${what} has a word >= p`);
  return h;
}

/** Minimal big-endian bytes; 0 -> empty. */
export function valueToBytes(v: bigint): Buffer {
  if (v === 0n) return Buffer.alloc(0);
  let hex = v.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return Buffer.from(hex, 'hex');
}

export function bytesToValue(b: Uint8Array | undefined, what: string): bigint {
  if (!b || b.length === 0) return 0n;
  if (b.length > 32) throw new CodedError(HashDbErrorCode.InvalidValue, `${what} must be at most 32 bytes, got ${b.length}`);
  return BigInt('0x' + Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex'));
}
