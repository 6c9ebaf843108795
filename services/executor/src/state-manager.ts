import type { StateManagerInterface } from '@ethereumjs/common';
import { Account, type Address, bytesToBigInt, bigIntToBytes, KECCAK256_NULL, KECCAK256_RLP } from '@ethereumjs/util';
import { hashBytecode } from '@zkseq/poseidon';
import { bigIntToH4, h4ToBigInt, type HashDbApi } from '@zkseq/smt';
import { keysOf, storageRef } from './keys';
import type { CallStats, LeafOverlay } from './overlay';

const EMPTY = new Uint8Array(0);
/** ethereumjs only compares an account's codeHash with KECCAK256_NULL; any other value means "has code". */
const HAS_CODE = new Uint8Array(32).fill(1);

const MAX_CACHED_PROGRAM_BYTES = 32 << 20;
/** Bytecode by Poseidon code hash (content-addressed, so safe to share across requests). */
const programCache = new Map<bigint, Uint8Array>();
let programCacheBytes = 0;

function cacheProgram(hash: bigint, code: Uint8Array): void {
  if (programCache.has(hash)) return;
  if (programCacheBytes + code.length > MAX_CACHED_PROGRAM_BYTES) {
    programCache.clear();
    programCacheBytes = 0;
  }
  programCache.set(hash, code);
  programCacheBytes += code.length;
}

export type AccountTouch = { address: string };

/**
 * ethereumjs StateManager over the request's LeafOverlay: accounts are their balance, nonce and
 * code-length leaves; storage is one leaf per slot; code lives in the hashdb's program store.
 * Storage is never cleared (zkEVM keeps it on CREATE) and every account reports the empty
 * storage root so ethereumjs sees no EIP-7610 collisions the zkEVM does not have.
 */
export class ZkStateManager implements StateManagerInterface {
  private ov!: LeafOverlay;
  private db!: HashDbApi;
  private stats!: CallStats;
  private checkpoints: number[] = [];
  /** Storage value at the start of the current tx, recorded at the first write of each slot. */
  private txOriginal = new Map<string, bigint>();
  /** Programs deployed in this request, to store at the end. */
  readonly newPrograms = new Map<bigint, Uint8Array>();
  /** Addresses whose nonce or balance was read or written (the node's read/write set). */
  readonly touched = new Set<string>();

  bind(ov: LeafOverlay, db: HashDbApi, stats: CallStats): void {
    this.ov = ov;
    this.db = db;
    this.stats = stats;
    this.checkpoints = [];
    this.txOriginal.clear();
    this.newPrograms.clear();
    this.touched.clear();
  }

  beginTx(watched?: string): void {
    this.txOriginal.clear();
    this.checkpoints = [];
    this.watched = watched;
    this.watchedSlots.clear();
  }

  originalStorageCache = {
    get: async (address: Address, key: Uint8Array): Promise<Uint8Array> => {
      const r = storageRef(address.toString(), bytesToBigInt(key));
      const v = this.txOriginal.get(r.id);
      return v !== undefined ? toBytes(v) : toBytes(await this.ov.get(r));
    },
    clear: (): void => this.txOriginal.clear(),
  };

  async getAccount(address: Address): Promise<Account | undefined> {
    const a = address.toString();
    this.touched.add(a);
    const k = keysOf(a);
    await this.ov.prefetch([k.balance, k.nonce, k.length]);
    const balance = await this.ov.get(k.balance);
    const nonce = await this.ov.get(k.nonce);
    const length = await this.ov.get(k.length);
    if (balance === 0n && nonce === 0n && length === 0n) return undefined;
    return new Account(nonce, balance, KECCAK256_RLP, length === 0n ? KECCAK256_NULL : HAS_CODE);
  }

  async putAccount(address: Address, account?: Account): Promise<void> {
    if (account === undefined) return this.deleteAccount(address);
    const a = address.toString();
    this.touched.add(a);
    const k = keysOf(a);
    if ((await this.ov.get(k.balance)) !== account.balance) this.ov.set(k.balance, account.balance);
    if ((await this.ov.get(k.nonce)) !== account.nonce) this.ov.set(k.nonce, account.nonce);
  }

  /** Only balance and nonce: code and storage survive in the zkEVM (no SELFDESTRUCT, no EIP-161 code). */
  async deleteAccount(address: Address): Promise<void> {
    const k = keysOf(address.toString());
    if ((await this.ov.get(k.balance)) !== 0n) this.ov.set(k.balance, 0n);
    if ((await this.ov.get(k.nonce)) !== 0n) this.ov.set(k.nonce, 0n);
  }

  async modifyAccountFields(address: Address, fields: { nonce?: bigint; balance?: bigint }): Promise<void> {
    const a = address.toString();
    this.touched.add(a);
    const k = keysOf(a);
    if (fields.balance !== undefined && (await this.ov.get(k.balance)) !== fields.balance) this.ov.set(k.balance, fields.balance);
    if (fields.nonce !== undefined && (await this.ov.get(k.nonce)) !== fields.nonce) this.ov.set(k.nonce, fields.nonce);
  }

  async putCode(address: Address, code: Uint8Array): Promise<void> {
    if (code.length === 0) return; // the ROM writes no code leaves for empty runtime code
    const k = keysOf(address.toString());
    const hash = h4ToBigInt(hashBytecode(code));
    this.ov.set(k.code, hash);
    this.ov.set(k.length, BigInt(code.length));
    this.newPrograms.set(hash, code);
    cacheProgram(hash, code);
  }

  async getCode(address: Address): Promise<Uint8Array> {
    const k = keysOf(address.toString());
    await this.ov.prefetch([k.length, k.code]);
    if ((await this.ov.get(k.length)) === 0n) return EMPTY;
    const hash = await this.ov.get(k.code);
    let code = programCache.get(hash) ?? this.newPrograms.get(hash);
    if (code === undefined) {
      this.stats.hashdbCalls++;
      code = await this.db.getProgram(bigIntToH4(hash));
      cacheProgram(hash, code);
    }
    return code;
  }

  async getCodeSize(address: Address): Promise<number> {
    return Number(await this.ov.get(keysOf(address.toString()).length));
  }

  /** The Poseidon code hash leaf (EXTCODEHASH). */
  async getCodeHashLeaf(address: Address): Promise<bigint> {
    return this.ov.get(keysOf(address.toString()).code);
  }

  /** Storage slots of `watched` read or written in the current tx (for the slot learner). */
  watched: string | undefined;
  readonly watchedSlots = new Set<bigint>();

  async getStorage(address: Address, key: Uint8Array): Promise<Uint8Array> {
    const a = address.toString();
    const slot = bytesToBigInt(key);
    if (a === this.watched) this.watchedSlots.add(slot);
    return toBytes(await this.ov.get(storageRef(a, slot)));
  }

  async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    const r = storageRef(address.toString(), bytesToBigInt(key));
    const now = await this.ov.get(r);
    if (!this.txOriginal.has(r.id)) this.txOriginal.set(r.id, now);
    const v = bytesToBigInt(value);
    if (v !== now) this.ov.set(r, v);
  }

  /** No-op: the zkEVM has no per-account storage root and keeps storage on CREATE. */
  async clearStorage(): Promise<void> {}

  async checkpoint(): Promise<void> {
    this.checkpoints.push(this.ov.mark());
  }

  async commit(): Promise<void> {
    this.checkpoints.pop();
  }

  async revert(): Promise<void> {
    const m = this.checkpoints.pop();
    if (m === undefined) throw new Error('revert without checkpoint');
    this.ov.rollback(m);
  }

  async getStateRoot(): Promise<Uint8Array> {
    throw new Error('the zkEVM state root is computed by the processor, not inside the EVM');
  }

  async setStateRoot(): Promise<void> {
    throw new Error('the state root is chosen per request');
  }

  async hasStateRoot(): Promise<boolean> {
    return true;
  }

  clearCaches(): void {}

  shallowCopy(): StateManagerInterface {
    throw new Error('not supported');
  }
}

function toBytes(v: bigint): Uint8Array {
  return v === 0n ? EMPTY : bigIntToBytes(v);
}
