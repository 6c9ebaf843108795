import { randomUUID } from 'node:crypto';
import { CodedError, HashDbErrorCode } from '@zkseq/errors';
import { hashBytecode, type H4 } from '@zkseq/poseidon';
import type { ApplyStep, FlushStatus, GenesisAccount, HashDbApi, LeafChange, StepResult, WriteOptions } from './api';
import type { HashDbBackend } from './backend';
import { checkKey, checkRoot, checkValue, h4ToBigInt, h4ToHex, readH4, writeH4 } from './h4';
import { keyBalance, keyCode, keyCodeLength, keyNonce, keyStorage } from './keys';
import { OverlayNodeStore } from './memory-store';
import { NodeBatch, type NodeStore } from './store';
import { applyChanges, readLeaves, type ChangeBuffers, type TreeStats } from './tree';

export type HashDbLimits = {
  /** Leaf changes in one apply/applySteps/loadGenesis call. */
  maxChanges: number;
  /** Keys in one getLeaves call. */
  maxKeys: number;
  /** Total bytes of programs in one setPrograms call. */
  maxProgramBytes: number;
};

export const defaultLimits: HashDbLimits = { maxChanges: 200_000, maxKeys: 100_000, maxProgramBytes: 64 * 1024 * 1024 };

/** Running totals, read by the service's metrics. */
export type HashDbStats = TreeStats & { nodesWritten: number };

/** The state tree over a backend (memory or LevelDB), in process. See HashDbApi for the contract. */
export class HashDb implements HashDbApi {
  readonly id = randomUUID();
  readonly stats: HashDbStats = { hashes: 0, nodesLoaded: 0, nodesWritten: 0 };
  private pendingId: number;
  private storedId: number;
  private flushChain: Promise<void> = Promise.resolve();
  private readonly freeBatches: NodeBatch[] = [];

  constructor(
    readonly backend: HashDbBackend,
    private readonly limits: HashDbLimits = defaultLimits,
  ) {
    this.pendingId = backend.storedFlushId;
    this.storedId = backend.storedFlushId;
  }

  async instanceId(): Promise<string> {
    return this.id;
  }

  async getLeaves(root: H4, keys: readonly H4[]): Promise<bigint[]> {
    checkRoot(root);
    if (!Array.isArray(keys)) throw new CodedError(HashDbErrorCode.InvalidKey, 'keys must be a list');
    this.limit(keys.length, this.limits.maxKeys, 'keys');
    const buf = new Uint32Array(keys.length * 8);
    keys.forEach((k, i) => writeH4(buf, i * 8, checkKey(k, `keys[${i}]`)));
    const rootBuf = new Uint32Array(8);
    writeH4(rootBuf, 0, root);
    const recs = await readLeaves(this.backend, rootBuf, buf, keys.length, this.stats);
    return recs.map((r) => (r ? limbsToBigInt(r) : 0n));
  }

  async apply(root: H4, changes: readonly LeafChange[], opts?: WriteOptions): Promise<H4> {
    const [res] = await this.applySteps(root, [{ changes }], opts);
    return res.root;
  }

  async applySteps(root: H4, steps: readonly ApplyStep[], opts?: WriteOptions): Promise<StepResult[]> {
    checkRoot(root);
    if (!Array.isArray(steps)) throw new CodedError(HashDbErrorCode.InvalidKey, 'steps must be a list');
    const total = steps.reduce((n, s) => n + (Array.isArray(s?.changes) ? s.changes.length : 0) + 1, 0);
    this.limit(total, this.limits.maxChanges, 'changes');
    // Validate everything before writing anything.
    const prepared = steps.map((s, i) => ({ buffers: toBuffers(s?.changes, `steps[${i}]`), slot: s.rootSlotKey === undefined ? undefined : checkKey(s.rootSlotKey, `steps[${i}].rootSlotKey`) }));
    const persist = opts?.persist !== false;
    const store: NodeStore = persist ? this.backend : new OverlayNodeStore(this.backend);
    let cur: Uint32Array = new Uint32Array(8);
    writeH4(cur, 0, root);
    await this.requireRoot(cur, root);
    const results: StepResult[] = [];
    for (const p of prepared) {
      cur = await this.update(store, cur, p.buffers);
      const r1 = readH4(cur, 0);
      if (p.slot === undefined) {
        results.push({ root: r1 });
        continue;
      }
      cur = await this.update(store, cur, toBuffers([{ key: p.slot, value: h4ToBigInt(r1) }], 'rootSlot'));
      results.push({ root: r1, rootAfterSlot: readH4(cur, 0) });
    }
    return results;
  }

  async getProgram(hash: H4): Promise<Uint8Array> {
    const code = await this.backend.getProgram(h4ToHex(checkKey(hash, 'program hash')));
    if (!code) throw new CodedError(HashDbErrorCode.UnknownProgram, `program ${h4ToHex(hash)} is not stored`);
    return code;
  }

  async setPrograms(codes: readonly Uint8Array[], opts?: WriteOptions): Promise<H4[]> {
    if (!Array.isArray(codes) || codes.some((c) => !(c instanceof Uint8Array))) throw new CodedError(HashDbErrorCode.InvalidValue, 'programs must be byte arrays');
    this.limit(codes.reduce((n, c) => n + c.length, 0), this.limits.maxProgramBytes, 'program bytes');
    const hashes = codes.map((c) => hashBytecode(c));
    if (opts?.persist !== false) codes.forEach((c, i) => this.backend.putProgram(h4ToHex(hashes[i]), c));
    return hashes;
  }

  async loadGenesis(accounts: readonly GenesisAccount[], opts?: WriteOptions): Promise<H4> {
    const { changes, programs } = genesisChanges(accounts);
    await this.setPrograms(programs, opts);
    return this.apply([0n, 0n, 0n, 0n], changes, opts);
  }

  async flush(opts?: { wait?: boolean }): Promise<number> {
    const id = ++this.pendingId;
    // Flushes are serialised, so stored ids only grow and each covers everything before it.
    this.flushChain = this.flushChain.then(async () => {
      await this.backend.flush(id);
      this.storedId = id;
    });
    if (opts?.wait) await this.flushChain;
    return id;
  }

  async flushStatus(): Promise<FlushStatus> {
    return { storedFlushId: this.storedId, pendingFlushId: this.pendingId, instanceId: this.id };
  }

  /** Waits for outstanding flushes and closes the backend. */
  async close(): Promise<void> {
    await this.flushChain.catch(() => undefined);
    await this.backend.close();
  }

  private async update(store: NodeStore, root: Uint32Array, changes: ChangeBuffers): Promise<Uint32Array> {
    await store.ready?.();
    // Batches are reused (putNodes copies them); concurrent updates each take their own.
    const batch = this.freeBatches.pop() ?? new NodeBatch(4096);
    batch.n = 0;
    try {
      const next = await applyChanges(store, root, changes, batch, this.stats);
      store.putNodes(batch);
      if (store === this.backend) this.stats.nodesWritten += batch.n;
      return next;
    } finally {
      this.freeBatches.push(batch);
    }
  }

  private async requireRoot(buf: Uint32Array, root: H4): Promise<void> {
    if (root.every((w) => w === 0n)) return;
    const [rec] = await this.backend.getNodes(buf, 1);
    if (!rec) throw new CodedError(HashDbErrorCode.UnknownRoot, `root ${h4ToHex(root)} is not stored`);
  }

  private limit(n: number, max: number, what: string): void {
    if (n > max) throw new CodedError(HashDbErrorCode.RequestTooLarge, `too many ${what} in one request: ${n} > ${max}`);
  }
}

function limbsToBigInt(rec: Uint32Array): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 32n) | BigInt(rec[2 * i]);
  return v;
}

function toBuffers(changes: readonly LeafChange[] | undefined, what: string): ChangeBuffers {
  if (!Array.isArray(changes)) throw new CodedError(HashDbErrorCode.InvalidKey, `${what}.changes must be a list`);
  const n = changes.length;
  const keys = new Uint32Array(n * 8);
  const values = new Uint32Array(n * 16);
  for (let i = 0; i < n; i++) {
    writeH4(keys, i * 8, checkKey(changes[i]?.key, `${what}.changes[${i}].key`));
    let v = checkValue(changes[i]?.value, `${what}.changes[${i}].value`);
    for (let l = 0; l < 8 && v !== 0n; l++, v >>= 32n) values[i * 16 + 2 * l] = Number(v & 0xffffffffn);
  }
  return { keys, values, n };
}

/** The leaves and programs of a genesis (spec 3): zero values and empty code produce nothing. */
export function genesisChanges(accounts: readonly GenesisAccount[]): { changes: LeafChange[]; programs: Uint8Array[] } {
  const changes: LeafChange[] = [];
  const programs: Uint8Array[] = [];
  for (const a of accounts) {
    if (a.balance) changes.push({ key: keyBalance(a.address), value: a.balance });
    if (a.nonce) changes.push({ key: keyNonce(a.address), value: a.nonce });
    if (a.code && a.code.length > 0) {
      changes.push({ key: keyCode(a.address), value: h4ToBigInt(hashBytecode(a.code)) });
      changes.push({ key: keyCodeLength(a.address), value: BigInt(a.code.length) });
      programs.push(a.code);
    }
    for (const [slot, value] of a.storage ?? []) if (value !== 0n) changes.push({ key: keyStorage(a.address, slot), value });
  }
  return { changes, programs };
}
