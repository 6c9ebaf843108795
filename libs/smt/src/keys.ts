import { poseidon, Z4, type H4 } from '@zkseq/poseidon';

/** Leaf types of the state tree (spec 3). */
export enum LeafType {
  Balance = 0,
  Nonce = 1,
  Code = 2,
  Storage = 3,
  CodeLength = 4,
}

/** 8 little-endian 32-bit limbs of a uint256 (spec 2.1). */
export function valueLimbs(v: bigint): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < 8; i++) out.push((v >> BigInt(32 * i)) & 0xffffffffn);
  return out;
}

export function limbsToValue(limbs: readonly bigint[]): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 32n) | limbs[i];
  return v;
}

/** H(limbs(V), Z4) */
export function valueHash(v: bigint): H4 {
  return poseidon(valueLimbs(v), Z4);
}

/** H([0]*8, Z4), the capacity of every non-storage state key. */
export const HASH_ZERO: H4 = poseidon([0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n], Z4);

function addressLimbs(address: string): bigint[] {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new RangeError(`expected a 0x-prefixed 20-byte address, got ${JSON.stringify(address)}`);
  return valueLimbs(BigInt(address)).slice(0, 5);
}

/** Key of an account leaf; `slot` only for storage leaves. */
export function stateKey(address: string, type: LeafType, slot = 0n): H4 {
  const a = addressLimbs(address);
  const cap = type === LeafType.Storage ? poseidon(valueLimbs(slot), Z4) : HASH_ZERO;
  return poseidon([...a, 0n, BigInt(type), 0n], cap);
}

export const keyBalance = (address: string): H4 => stateKey(address, LeafType.Balance);
export const keyNonce = (address: string): H4 => stateKey(address, LeafType.Nonce);
export const keyCode = (address: string): H4 => stateKey(address, LeafType.Code);
export const keyCodeLength = (address: string): H4 => stateKey(address, LeafType.CodeLength);
export const keyStorage = (address: string, slot: bigint): H4 => stateKey(address, LeafType.Storage, slot);
