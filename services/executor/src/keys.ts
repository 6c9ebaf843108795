import type { H4 } from '@zkseq/poseidon';
import { keyBalance, keyCode, keyCodeLength, keyNonce, keyStorage } from '@zkseq/smt';

/** A state-tree key with a compact string id for map lookups. */
export type LeafRef = { key: H4; id: string };
export type AccountKeys = { balance: LeafRef; nonce: LeafRef; code: LeafRef; length: LeafRef };

/** About 1 kB per account (four keys with their ids), a few hundred bytes per slot. */
const MAX_ACCOUNTS = 50_000;
const MAX_SLOTS = 200_000;
const accountKeys = new Map<string, AccountKeys>();
const storageKeys = new Map<string, LeafRef>();

function ref(key: H4): LeafRef {
  return { key, id: `${key[0]}.${key[1]}.${key[2]}.${key[3]}` };
}

/**
 * Key derivation costs one Poseidon permutation per account leaf and two per storage slot, and
 * keys never change, so they are cached process-wide (bounded; cleared wholesale when full).
 */
export function keysOf(address: string): AccountKeys {
  let k = accountKeys.get(address);
  if (k === undefined) {
    if (accountKeys.size >= MAX_ACCOUNTS) accountKeys.clear();
    k = { balance: ref(keyBalance(address)), nonce: ref(keyNonce(address)), code: ref(keyCode(address)), length: ref(keyCodeLength(address)) };
    accountKeys.set(address, k);
  }
  return k;
}

/** `address` lower-case 0x hex, `slot` as bigint. */
export function storageRef(address: string, slot: bigint): LeafRef {
  const cacheKey = `${address}${slot.toString(16)}`;
  let r = storageKeys.get(cacheKey);
  if (r === undefined) {
    if (storageKeys.size >= MAX_SLOTS) storageKeys.clear();
    r = ref(keyStorage(address, slot));
    storageKeys.set(cacheKey, r);
  }
  return r;
}
