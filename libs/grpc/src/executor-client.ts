import * as grpc from '@grpc/grpc-js';
import { CodedError, ExecutorErrorCode } from '@zkseq/errors';
import { P } from '@zkseq/poseidon';
import type { H4 } from '@zkseq/poseidon';
import { defaultCallPolicy, unaryCall, type CallPolicy } from './client';
import { loadProto, serviceConstructor } from './proto';

/** The fork-6 ZK counters as the executor reports them. */
export type ZkCounters = { steps: number; keccakHashes: number; poseidonHashes: number; poseidonPaddings: number; memAligns: number; arithmetics: number; binaries: number };

/** What an open batch has left (candidate mode, proto ResourceLimits). */
export type ResourceLimits = ZkCounters & { gas: bigint; bytes: number; txs: number };

export type ProcessBatchRequest = {
  oldStateRoot: H4;
  oldAccInputHash: Uint8Array;
  oldBatchNum: bigint;
  chainId: bigint;
  forkId: number;
  batchL2Data: Uint8Array;
  globalExitRoot: Uint8Array;
  timestamp: bigint;
  coinbase: string;
  /** Store the new nodes in the hashdb (false: compute only; the call is then idempotent). */
  updateMerkleTree: boolean;
  noCounters?: boolean;
  /** Unsigned execution as this sender (eth_call / estimateGas); never stored. */
  from?: string;
  /** Candidate mode: try the txs in order against these resources, leave out those that do not fit. */
  remaining?: ResourceLimits;
};

export type ExecutorLog = { address: string; topics: Uint8Array[]; data: Uint8Array; index: number };

export type ProcessTxResponse = {
  txHash: Uint8Array;
  rlpTx: Uint8Array;
  returnValue: Uint8Array;
  gasLeft: bigint;
  gasUsed: bigint;
  gasRefunded: bigint;
  /** RomError number of executor.proto (1 = no error). */
  error: number;
  createAddress: string;
  /** Undefined for a candidate that was left out. */
  stateRoot: H4 | undefined;
  logs: ExecutorLog[];
  effectiveGasPrice: bigint;
  effectivePercentage: number;
  hasGaspriceOpcode: boolean;
  hasBalanceOpcode: boolean;
  included: boolean;
  from: string;
  batchL2Data: Uint8Array;
  counters: ZkCounters;
};

export type ProcessBatchResponse = {
  newStateRoot: H4;
  newAccInputHash: Uint8Array;
  newLocalExitRoot: Uint8Array;
  newBatchNum: bigint;
  counters: ZkCounters;
  cumulativeGasUsed: bigint;
  responses: ProcessTxResponse[];
  /** Batch-level RomError number. */
  errorRom: number;
  readWriteAddresses: Map<string, { nonce: bigint; balance: bigint }>;
  flushId: number;
  storedFlushId: number;
  batchHashData: Uint8Array;
  includedBatchL2Data: Uint8Array;
  hashdbCalls: number;
};

export type ExecutorClientOptions = {
  /**
   * host:port of the executor service, or a gRPC target naming its resolver, such as
   * `dns:///executor-headless:50071` or `ipv4:10.0.0.1:50071,10.0.0.2:50071`: such a target
   * balances round-robin over every address it resolves to (a Kubernetes headless Service), so
   * added executor replicas take load; a plain host:port keeps one connection (pick-first).
   */
  address: string;
  policy?: Partial<CallPolicy>;
  maxMessageBytes?: number;
};

type Res = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** executor.proto carries roots as 32-byte big-endian N (words h3 ‖ h2 ‖ h1 ‖ h0), like the zkEVM node's API. */
function rootToBytes(h: Readonly<H4>): Buffer {
  const b = Buffer.allocUnsafe(32);
  for (let i = 0; i < 4; i++) b.writeBigUInt64BE(h[i], 8 * (3 - i));
  return b;
}

function bytesToRoot(b: Uint8Array | undefined, what: string): H4 {
  if (!b || b.length !== 32) throw new CodedError(ExecutorErrorCode.Internal, `${what} must be 32 bytes, got ${b?.length ?? 0}`);
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  const h = [0, 1, 2, 3].map((i) => buf.readBigUInt64BE(8 * (3 - i))) as H4;
  if (h.some((w) => w >= P)) throw new CodedError(ExecutorErrorCode.Internal, `${what} has a word >= p`);
  return h;
}

/** proto enum names (the loader decodes enums as strings) -> RomError numbers. */
let romErrorValues: Record<string, number> | undefined;

/**
 * Client of proto/executor.proto. ProcessBatch is retried on transient failures only when it
 * stores nothing (updateMerkleTree false); a persisting call is never retried.
 */
export class ExecutorClient {
  private readonly client: grpc.Client;
  private readonly policy: CallPolicy;

  constructor(opts: ExecutorClientOptions) {
    const pkg = loadProto('executor.proto');
    const Ctor = serviceConstructor(pkg, 'zkseq.executor.v1.Executor');
    romErrorValues ??= romErrors(pkg);
    const max = opts.maxMessageBytes ?? 16 * 1024 * 1024;
    const balancing = /^(dns|ipv4|ipv6):/.test(opts.address) ? { 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }) } : {};
    this.client = new Ctor(opts.address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': max, 'grpc.max_send_message_length': max, ...balancing });
    this.policy = { ...defaultCallPolicy, ...opts.policy };
  }

  async processBatch(req: ProcessBatchRequest): Promise<ProcessBatchResponse> {
    const msg = {
      oldStateRoot: rootToBytes(req.oldStateRoot),
      oldAccInputHash: Buffer.from(req.oldAccInputHash),
      oldBatchNum: Number(req.oldBatchNum),
      chainId: Number(req.chainId),
      forkId: req.forkId,
      batchL2Data: Buffer.from(req.batchL2Data),
      globalExitRoot: Buffer.from(req.globalExitRoot),
      ethTimestamp: Number(req.timestamp),
      coinbase: req.coinbase,
      updateMerkleTree: req.updateMerkleTree ? 1 : 0,
      noCounters: req.noCounters ? 1 : 0,
      from: req.from ?? '',
      ...(req.remaining
        ? {
            remaining: {
              counters: {
                steps: req.remaining.steps,
                keccakHashes: req.remaining.keccakHashes,
                poseidonHashes: req.remaining.poseidonHashes,
                poseidonPaddings: req.remaining.poseidonPaddings,
                memAligns: req.remaining.memAligns,
                arithmetics: req.remaining.arithmetics,
                binaries: req.remaining.binaries,
              },
              gas: Number(req.remaining.gas),
              bytes: req.remaining.bytes,
              txs: req.remaining.txs,
            },
          }
        : {}),
    };
    const r = await unaryCall<Res>(this.client, 'processBatch', msg, !req.updateMerkleTree, this.policy);
    const rom = (v: unknown) => (typeof v === 'number' ? v : (romErrorValues![String(v)] ?? 0));
    const counters = (c: Res | null | undefined): ZkCounters => ({
      steps: Number(c?.steps ?? 0),
      keccakHashes: Number(c?.keccakHashes ?? 0),
      poseidonHashes: Number(c?.poseidonHashes ?? 0),
      poseidonPaddings: Number(c?.poseidonPaddings ?? 0),
      memAligns: Number(c?.memAligns ?? 0),
      arithmetics: Number(c?.arithmetics ?? 0),
      binaries: Number(c?.binaries ?? 0),
    });
    return {
      newStateRoot: bytesToRoot(r.newStateRoot, 'newStateRoot'),
      newAccInputHash: r.newAccInputHash,
      newLocalExitRoot: r.newLocalExitRoot,
      newBatchNum: BigInt(r.newBatchNum),
      counters: counters({
        steps: r.cntSteps,
        keccakHashes: r.cntKeccakHashes,
        poseidonHashes: r.cntPoseidonHashes,
        poseidonPaddings: r.cntPoseidonPaddings,
        memAligns: r.cntMemAligns,
        arithmetics: r.cntArithmetics,
        binaries: r.cntBinaries,
      }),
      cumulativeGasUsed: BigInt(r.cumulativeGasUsed),
      errorRom: rom(r.errorRom),
      readWriteAddresses: new Map(Object.entries((r.readWriteAddresses ?? {}) as Record<string, Res>).map(([a, v]) => [a, { nonce: BigInt(v.nonce || 0), balance: BigInt(v.balance || 0) }])),
      flushId: Number(r.flushId),
      storedFlushId: Number(r.storedFlushId),
      batchHashData: r.batchHashData,
      includedBatchL2Data: r.includedBatchL2Data,
      hashdbCalls: Number(r.hashdbCalls),
      responses: (r.responses as Res[]).map((t) => ({
        txHash: t.txHash,
        rlpTx: t.rlpTx,
        returnValue: t.returnValue,
        gasLeft: BigInt(t.gasLeft),
        gasUsed: BigInt(t.gasUsed),
        gasRefunded: BigInt(t.gasRefunded),
        error: rom(t.error),
        createAddress: t.createAddress,
        stateRoot: t.stateRoot.length > 0 ? bytesToRoot(t.stateRoot, 'stateRoot') : undefined,
        logs: (t.logs as Res[]).map((l) => ({ address: l.address, topics: l.topics, data: l.data, index: Number(l.index) })),
        effectiveGasPrice: BigInt(t.effectiveGasPrice || 0),
        effectivePercentage: Number(t.effectivePercentage),
        hasGaspriceOpcode: Number(t.hasGaspriceOpcode) === 1,
        hasBalanceOpcode: Number(t.hasBalanceOpcode) === 1,
        included: Boolean(t.included),
        from: t.from,
        batchL2Data: t.batchL2Data,
        counters: counters(t.counters),
      })),
    };
  }

  async getFlushStatus(): Promise<{ storedFlushId: number; lastFlushId: number; proverId: string }> {
    const r = await unaryCall<Res>(this.client, 'getFlushStatus', {}, true, this.policy);
    return { storedFlushId: Number(r.storedFlushId), lastFlushId: Number(r.lastFlushId), proverId: r.proverId };
  }

  async health(): Promise<boolean> {
    return Boolean((await unaryCall<Res>(this.client, 'health', {}, true, this.policy)).serving);
  }

  close(): void {
    this.client.close();
  }
}

function romErrors(pkg: grpc.GrpcObject): Record<string, number> {
  const e = ((pkg.zkseq as grpc.GrpcObject).executor as grpc.GrpcObject).v1 as grpc.GrpcObject;
  const t = (e.RomError as unknown as { type?: { value?: { name: string; number: number }[] } }).type;
  return Object.fromEntries((t?.value ?? []).map((v) => [v.name, v.number]));
}
