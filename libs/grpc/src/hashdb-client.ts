import type * as grpc from '@grpc/grpc-js';
import { HashDbErrorCode } from '@zkseq/errors';
import type { H4 } from '@zkseq/poseidon';
import type { ApplyStep, FlushStatus, GenesisAccount, HashDbApi, LeafChange, StepResult, WriteOptions } from '@zkseq/smt';
import { defaultCallPolicy, unaryCall, type CallPolicy } from './client';
import { bytesToH4, bytesToValue, h4ToBytes, valueToBytes } from './hashdb-codec';
import { connect } from './proto';

export type HashDbClientOptions = {
  /** host:port of the hashdb service. */
  address: string;
  policy?: Partial<CallPolicy>;
  /** Max message size both ways (default 64 MiB, the service's default). */
  maxMessageBytes?: number;
};

const bad = HashDbErrorCode.StorageFailure; // a malformed answer from the server

/** HashDbApi over gRPC (proto/hashdb.proto). */
export class HashDbClient implements HashDbApi {
  private readonly client: grpc.Client;
  private readonly policy: CallPolicy;

  constructor(opts: HashDbClientOptions) {
    this.client = connect('hashdb.proto', 'zkseq.hashdb.v1.HashDb', opts.address, opts.maxMessageBytes);
    this.policy = { ...defaultCallPolicy, ...opts.policy };
  }

  async instanceId(): Promise<string> {
    return (await this.call<{ instanceId: string }>('getFlushStatus', {}, true)).instanceId;
  }

  async getLeaves(root: H4, keys: readonly H4[]): Promise<bigint[]> {
    const res = await this.call<{ values: Buffer[] }>('getLeaves', { root: h4ToBytes(root), keys: keys.map(h4ToBytes) }, true);
    return res.values.map((v, i) => bytesToValue(v, `values[${i}]`));
  }

  async apply(root: H4, changes: readonly LeafChange[], opts?: WriteOptions): Promise<H4> {
    return (await this.applySteps(root, [{ changes }], opts))[0].root;
  }

  async applySteps(root: H4, steps: readonly ApplyStep[], opts?: WriteOptions): Promise<StepResult[]> {
    const req = {
      root: h4ToBytes(root),
      steps: steps.map((s) => ({
        changes: s.changes.map((c) => ({ key: h4ToBytes(c.key), value: valueToBytes(c.value) })),
        rootSlotKey: s.rootSlotKey ? h4ToBytes(s.rootSlotKey) : Buffer.alloc(0),
      })),
      noPersist: opts?.persist === false,
    };
    const res = await this.call<{ results: { root: Buffer; rootAfterSlot: Buffer }[] }>('applySteps', req, true);
    return res.results.map((r) => ({
      root: bytesToH4(r.root, 'root', bad),
      ...(r.rootAfterSlot.length > 0 ? { rootAfterSlot: bytesToH4(r.rootAfterSlot, 'rootAfterSlot', bad) } : {}),
    }));
  }

  async getProgram(hash: H4): Promise<Uint8Array> {
    return (await this.call<{ code: Buffer }>('getProgram', { hash: h4ToBytes(hash) }, true)).code;
  }

  async setPrograms(codes: readonly Uint8Array[], opts?: WriteOptions): Promise<H4[]> {
    const res = await this.call<{ hashes: Buffer[] }>('setPrograms', { codes: codes.map((c) => Buffer.from(c)), noPersist: opts?.persist === false }, true);
    return res.hashes.map((h) => bytesToH4(h, 'hash', bad));
  }

  async loadGenesis(accounts: readonly GenesisAccount[], opts?: WriteOptions): Promise<H4> {
    const req = {
      accounts: accounts.map((a) => ({
        address: a.address,
        balance: valueToBytes(a.balance ?? 0n),
        nonce: valueToBytes(a.nonce ?? 0n),
        code: Buffer.from(a.code ?? new Uint8Array(0)),
        storage: [...(a.storage ?? new Map<bigint, bigint>())].map(([slot, value]) => ({ slot: valueToBytes(slot), value: valueToBytes(value) })),
      })),
      noPersist: opts?.persist === false,
    };
    return bytesToH4((await this.call<{ root: Buffer }>('loadGenesis', req, true)).root, 'root', bad);
  }

  async flush(opts?: { wait?: boolean }): Promise<number> {
    return (await this.call<{ flushId: number }>('flush', { wait: opts?.wait ?? false }, false)).flushId;
  }

  async flushStatus(): Promise<FlushStatus> {
    const res = await this.call<{ storedFlushId: number; pendingFlushId: number; instanceId: string }>('getFlushStatus', {}, true);
    return { storedFlushId: res.storedFlushId, pendingFlushId: res.pendingFlushId, instanceId: res.instanceId };
  }

  close(): void {
    this.client.close();
  }

  private call<T>(method: string, req: unknown, idempotent: boolean): Promise<T> {
    return unaryCall<T>(this.client, method, req, idempotent, this.policy);
  }
}
