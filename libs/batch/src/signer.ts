import type * as Secp from 'secp256k1';
import type { BatchTx } from './decode';
import { keccak256 } from './keccak';
import { uintToFixed } from './bytes';
import { signingHash, type BatchSignature, type TxFields } from './tx';

// The native addon directly: the package entry silently falls back to a pure-JS implementation
// about 30 times slower, which would hide a broken install.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const secp = require('secp256k1/bindings') as typeof Secp;

export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = SECP256K1_N / 2n;

/** Address of an uncompressed (65-byte) or raw (64-byte) public key. */
export function publicKeyToAddress(pub: Uint8Array): Uint8Array {
  const raw = pub.length === 65 ? pub.subarray(1) : pub;
  return keccak256(raw).slice(12);
}

/**
 * Recovers the sender with the ROM's rules (intrinsic check 1): 1 <= r < n, 1 <= s <= n/2,
 * v in {27, 28}; null when any fails or recovery fails. `lowS` false gives the precompile rule s < n.
 */
export function recoverAddress(hash: Uint8Array, r: bigint, s: bigint, v: number, lowS = true): Uint8Array | null {
  if (v !== 27 && v !== 28) return null;
  if (r < 1n || r >= SECP256K1_N || s < 1n || s > (lowS ? HALF_N : SECP256K1_N - 1n)) return null;
  const sig = new Uint8Array(64);
  sig.set(uintToFixed(r, 32), 0);
  sig.set(uintToFixed(s, 32), 32);
  try {
    const pub = secp.ecdsaRecover(sig, v - 27, hash, false);
    const addr = publicKeyToAddress(pub);
    return addr.every((x) => x === 0) ? null : addr;
  } catch {
    return null;
  }
}

/** Sender of a decoded batch tx, or null when the signature is invalid. */
export function recoverSender(tx: BatchTx): Uint8Array | null {
  return recoverAddress(keccak256(tx.signingPayload), tx.r, tx.s, tx.v);
}

export function privateKeyToAddress(privateKey: Uint8Array): Uint8Array {
  return publicKeyToAddress(secp.publicKeyCreate(privateKey, false));
}

/** Signs the tx's signing hash (low-s, as secp256k1 produces it). */
export function signTx(tx: TxFields, privateKey: Uint8Array): BatchSignature {
  const { signature, recid } = secp.ecdsaSign(signingHash(tx), privateKey);
  const read = (o: number) => BigInt(`0x${Buffer.from(signature.subarray(o, o + 32)).toString('hex')}`);
  return { r: read(0), s: read(32), v: 27 + recid };
}
