/** Lower-case `0x`-prefixed hex of `bytes` (Buffer's native encoder). */
export function toHex(bytes: Uint8Array): `0x${string}` {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

/** Parses hex with or without `0x`; an odd digit count gets a leading zero. Throws on non-hex. */
export function fromHex(hex: string): Uint8Array {
  let h = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (h.length % 2 === 1) h = `0${h}`;
  if (!/^[0-9a-fA-F]*$/.test(h)) throw new Error(`not a hex string: ${hex.slice(0, 20)}`);
  return Uint8Array.from(Buffer.from(h, 'hex'));
}

/** Big-endian unsigned integer of `bytes[start, end)`. */
export function readUint(bytes: Uint8Array, start: number, end: number): bigint {
  let v = 0n;
  // Eight bytes at a time keeps the bigint work small for 32-byte values.
  let i = start;
  while (end - i >= 6) {
    v = (v << 48n) | BigInt(bytes[i] * 2 ** 40 + bytes[i + 1] * 2 ** 32 + ((bytes[i + 2] << 24) >>> 0) + (bytes[i + 3] << 16) + (bytes[i + 4] << 8) + bytes[i + 5]);
    i += 6;
  }
  for (; i < end; i++) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

/** Minimal big-endian bytes of `v` (empty for 0). */
export function uintToBytes(v: bigint): Uint8Array {
  if (v < 0n) throw new Error('negative integer');
  if (v === 0n) return new Uint8Array(0);
  let hex = v.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** `v` as `len` big-endian bytes; throws when it does not fit. */
export function uintToFixed(v: bigint, len: number): Uint8Array {
  const hex = v.toString(16);
  if (v < 0n || hex.length > len * 2) throw new Error(`integer does not fit in ${len} bytes`);
  return Uint8Array.from(Buffer.from(hex.padStart(len * 2, '0'), 'hex'));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
