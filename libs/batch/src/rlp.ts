import { concatBytes, readUint, uintToBytes } from './bytes';

/** Standard (Ethereum) RLP, used for raw Ethereum txs and tx hashes; the ROM's stricter batch rules live in decode.ts. */
export type RlpItem = Uint8Array | RlpItem[];

function encodeLength(len: number, offset: number): Uint8Array {
  if (len < 56) return Uint8Array.of(offset + len);
  const lenBytes = uintToBytes(BigInt(len));
  return concatBytes(Uint8Array.of(offset + 55 + lenBytes.length), lenBytes);
}

export function rlpEncode(item: RlpItem): Uint8Array {
  if (item instanceof Uint8Array) {
    if (item.length === 1 && item[0] < 0x80) return item;
    return concatBytes(encodeLength(item.length, 0x80), item);
  }
  const body = concatBytes(...item.map(rlpEncode));
  return concatBytes(encodeLength(body.length, 0xc0), body);
}

/** RLP of an unsigned integer (minimal bytes, 0 = empty string). */
export function rlpUint(v: bigint): Uint8Array {
  return uintToBytes(v);
}

/** Strict canonical RLP decoding of one item spanning all of `bytes`. */
export function rlpDecode(bytes: Uint8Array): RlpItem {
  const [item, end] = decodeAt(bytes, 0);
  if (end !== bytes.length) throw new Error('RLP: trailing bytes');
  return item;
}

function decodeAt(b: Uint8Array, pos: number): [RlpItem, number] {
  if (pos >= b.length) throw new Error('RLP: unexpected end');
  const p = b[pos];
  if (p < 0x80) return [b.subarray(pos, pos + 1), pos + 1];
  const isList = p >= 0xc0;
  const base = isList ? 0xc0 : 0x80;
  let len: number;
  let start: number;
  if (p - base < 56) {
    len = p - base;
    start = pos + 1;
  } else {
    const ll = p - base - 55;
    if (pos + 1 + ll > b.length) throw new Error('RLP: unexpected end');
    if (b[pos + 1] === 0) throw new Error('RLP: non-canonical length');
    len = Number(readUint(b, pos + 1, pos + 1 + ll));
    if (len < 56) throw new Error('RLP: non-canonical length');
    start = pos + 1 + ll;
  }
  const end = start + len;
  if (end > b.length) throw new Error('RLP: unexpected end');
  if (!isList) {
    if (len === 1 && b[start] < 0x80) throw new Error('RLP: non-canonical single byte');
    return [b.subarray(start, end), end];
  }
  const items: RlpItem[] = [];
  let q = start;
  while (q < end) {
    const [it, next] = decodeAt(b, q);
    items.push(it);
    q = next;
  }
  if (q !== end) throw new Error('RLP: list length mismatch');
  return [items, end];
}
