import { readUint } from './bytes';
import type { BatchSignature, TxFields } from './tx';

/** One transaction of a fork-6 batch, as the ROM parses it (`v` is any byte value as read). */
export type BatchTx = TxFields &
  BatchSignature & {
    effectivePercentage: number;
    /** The RLP list that was signed (its keccak is the signing hash). */
    signingPayload: Uint8Array;
    /** The whole entry in batchL2Data: payload ‖ r ‖ s ‖ v ‖ effectivePercentage. */
    encoded: Uint8Array;
  };

export type DecodeResult =
  | { ok: true; txs: BatchTx[] }
  /** The whole batch is invalid (ROM_ERROR_INVALID_RLP); `txs` holds those parsed before the fault. */
  | { ok: false; txs: BatchTx[]; offset: number; reason: string };

class RlpFault extends Error {}

const MIN_VALUE_SHORT = 0x80;
const MIN_BYTES_LONG = 56;
const SIG_AND_EP_BYTES = 32 + 32 + 1 + 1;

/** Bytes of the minimal big-endian form of `v` (0 for 0). */
export function byteLength(v: bigint): number {
  let n = 0;
  while (v > 0n) {
    v >>= 8n;
    n++;
  }
  return n;
}

/**
 * Decodes batchL2Data with the rules of the fork-6 ROM (`load-tx-rlp.zkasm`): every field's prefix
 * range, canonical lengths and integers, reads bounded by both the declared list length and the
 * batch end, and the trailing r ‖ s ‖ v ‖ effectivePercentage. The ROM deliberately accepts a
 * bare single byte < 0x80 for integer fields (including 0x00), so this does too.
 */
export function decodeBatchL2Data(batch: Uint8Array): DecodeResult {
  const txs: BatchTx[] = [];
  let parsed = 0;
  while (parsed < batch.length) {
    try {
      const tx = decodeOne(batch, parsed);
      txs.push(tx);
      parsed += tx.encoded.length;
    } catch (err) {
      if (err instanceof RlpFault) return { ok: false, txs, offset: parsed, reason: err.message };
      throw err;
    }
  }
  return { ok: true, txs };
}

function decodeOne(b: Uint8Array, base: number): BatchTx {
  // c: bytes of this tx consumed so far; listEnd: declared total RLP length (header included).
  let c = 0;
  let listEnd = Infinity;
  const avail = (d: number, what: string) => {
    if (base + c + d > b.length) throw new RlpFault(`${what}: batch data ends early`);
  };
  const take = (d: number, what: string, bounded = true): number => {
    if (bounded && c + d > listEnd) throw new RlpFault(`${what}: runs past the list length`);
    avail(d, what);
    const at = base + c;
    c += d;
    return at;
  };
  const byte = (what: string, bounded = true) => b[take(1, what, bounded)];

  const head = byte('list header', false);
  if (head < 0xc0) throw new RlpFault('tx is not an RLP list');
  if (head >= 0xfb) throw new RlpFault('list length of length above 3');
  if (head >= 0xf8) {
    const ll = head - 0xf7;
    const at = take(ll, 'list length', false);
    const len = readUint(b, at, at + ll);
    if (len < BigInt(MIN_BYTES_LONG)) throw new RlpFault('long list shorter than 56 bytes');
    if (byteLength(len) !== ll) throw new RlpFault('list length has leading zeros');
    listEnd = Number(len) + c;
  } else {
    listEnd = head - 0xc0 + c;
  }

  const uint = (maxBytes: number, what: string): bigint => {
    const p = byte(what);
    if (p < 0x80) return BigInt(p);
    if (p === 0x80) return 0n;
    const d = p - 0x80;
    if (d > maxBytes) throw new RlpFault(`${what} longer than ${maxBytes} bytes`);
    const at = take(d, what);
    const v = readUint(b, at, at + d);
    if (d === 1 && v < BigInt(MIN_VALUE_SHORT)) throw new RlpFault(`${what}: single byte must not carry a prefix`);
    if (byteLength(v) !== d) throw new RlpFault(`${what} has leading zeros`);
    return v;
  };

  const nonce = uint(8, 'nonce');
  const gasPrice = uint(32, 'gasPrice');
  const gasLimit = uint(8, 'gasLimit');
  const toPrefix = byte('to');
  let to: Uint8Array | null = null;
  if (toPrefix === 0x94) {
    const at = take(20, 'to');
    to = b.slice(at, at + 20);
  } else if (toPrefix !== 0x80) {
    throw new RlpFault('to must be empty or 20 bytes');
  }
  const value = uint(32, 'value');

  const dp = byte('data');
  let data: Uint8Array;
  if (dp < 0x80) {
    data = Uint8Array.of(dp);
  } else if (dp < 0xb8) {
    const len = dp - 0x80;
    const at = take(len, 'data');
    data = b.slice(at, at + len);
    if (len === 1 && data[0] < MIN_VALUE_SHORT) throw new RlpFault('data: single byte must not carry a prefix');
  } else if (dp < 0xbb) {
    const ll = dp - 0xb7;
    const lat = take(ll, 'data length');
    const lenBig = readUint(b, lat, lat + ll);
    if (lenBig < BigInt(MIN_BYTES_LONG)) throw new RlpFault('long data shorter than 56 bytes');
    if (byteLength(lenBig) !== ll) throw new RlpFault('data length has leading zeros');
    const len = Number(lenBig);
    const at = take(len, 'data');
    data = b.slice(at, at + len);
  } else {
    throw new RlpFault('data must be a string of at most 2^24 bytes');
  }

  let chainId: bigint | null = null;
  if (c !== listEnd) {
    chainId = uint(8, 'chainId');
    const at = take(2, 'EIP-155 trailer');
    if (b[at] !== 0x80 || b[at + 1] !== 0x80) throw new RlpFault('EIP-155 trailer must be 0x8080');
    if (c !== listEnd) throw new RlpFault('list length does not match its items');
  }
  const payloadEnd = base + c;
  avail(SIG_AND_EP_BYTES, 'signature');
  const sigAt = base + c;
  const r = readUint(b, sigAt, sigAt + 32);
  const s = readUint(b, sigAt + 32, sigAt + 64);
  const v = b[sigAt + 64];
  const effectivePercentage = b[sigAt + 65];
  c += SIG_AND_EP_BYTES;
  return {
    nonce,
    gasPrice,
    gasLimit,
    to,
    value,
    data,
    chainId,
    r,
    s,
    v,
    effectivePercentage,
    signingPayload: b.subarray(base, payloadEnd),
    encoded: b.subarray(base, base + c),
  };
}
