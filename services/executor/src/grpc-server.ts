import * as grpc from '@grpc/grpc-js';
import { toHex } from '@zkseq/batch';
import { CodedError, ExecutorErrorCode } from '@zkseq/errors';
import { loadProto, serviceConstructor, toServiceError } from '@zkseq/grpc';
import { bigIntToH4, h4ToBigInt, type H4, type HashDbApi } from '@zkseq/smt';
import { RomError } from './constants';
import type { Limiter } from './limiter';
import type { BatchExecutor } from './processor';
import type { ExecutorMetrics } from './metrics';
import type { BatchResult, ProcessBatchInput, Resources } from './types';

type Req = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const bad = (msg: string) => new CodedError(ExecutorErrorCode.InvalidRequest, msg);

function bytes32(v: unknown, what: string, allowEmpty = false): Uint8Array {
  if (!Buffer.isBuffer(v)) throw bad(`${what} must be bytes`);
  if (v.length === 0 && allowEmpty) return new Uint8Array(32);
  if (v.length !== 32) throw bad(`${what} must be 32 bytes, got ${v.length}`);
  return new Uint8Array(v);
}

function root(v: unknown, what: string): H4 {
  const b = bytes32(v, what, true);
  return bigIntToH4(BigInt(toHex(b)));
}

const rootBytes = (h: H4) => Buffer.from(h4ToBigInt(h).toString(16).padStart(64, '0'), 'hex');
const address = (v: unknown, what: string, optional = false): string | undefined => {
  if (optional && (v === '' || v === undefined)) return undefined;
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(v)) throw bad(`${what} must be a 0x-prefixed 20-byte address`);
  return v.toLowerCase();
};

/** proto ProcessBatchRequest -> processor input (validated). */
export function decodeRequest(req: Req): ProcessBatchInput {
  const rem = req.remaining as Req | null | undefined;
  const c = (rem?.counters ?? {}) as Req;
  const remaining: Resources | undefined = rem
    ? {
        steps: Number(c.steps ?? 0),
        keccakF: Number(c.keccakHashes ?? 0),
        poseidonG: Number(c.poseidonHashes ?? 0),
        paddingPG: Number(c.poseidonPaddings ?? 0),
        memAlign: Number(c.memAligns ?? 0),
        arith: Number(c.arithmetics ?? 0),
        binary: Number(c.binaries ?? 0),
        gas: BigInt(rem.gas ?? 0),
        bytes: Number(rem.bytes ?? 0),
        txs: Number(rem.txs ?? 0),
      }
    : undefined;
  if (!Buffer.isBuffer(req.batchL2Data)) throw bad('batch_l2_data must be bytes');
  return {
    oldStateRoot: root(req.oldStateRoot, 'old_state_root'),
    oldAccInputHash: bytes32(req.oldAccInputHash, 'old_acc_input_hash', true),
    oldBatchNum: BigInt(req.oldBatchNum ?? 0),
    chainId: BigInt(req.chainId ?? 0),
    forkId: Number(req.forkId ?? 0),
    batchL2Data: new Uint8Array(req.batchL2Data),
    globalExitRoot: bytes32(req.globalExitRoot, 'global_exit_root', true),
    timestamp: BigInt(req.ethTimestamp ?? 0),
    coinbase: address(req.coinbase, 'coinbase')!,
    updateMerkleTree: Number(req.updateMerkleTree) === 1,
    noCounters: Number(req.noCounters) === 1,
    from: address(req.from, 'from', true),
    remaining,
  };
}

const counters = (c: BatchResult['counters']) => ({
  steps: c.steps,
  keccakHashes: c.keccakF,
  poseidonHashes: c.poseidonG,
  poseidonPaddings: c.paddingPG,
  memAligns: c.memAlign,
  arithmetics: c.arith,
  binaries: c.binary,
});

/** processor result -> proto ProcessBatchResponse. */
export function encodeResponse(r: BatchResult, batchNum: bigint, flush: { flushId: number; storedFlushId: number }): Req {
  const c = counters(r.counters);
  return {
    newStateRoot: rootBytes(r.newStateRoot),
    newAccInputHash: Buffer.from(r.newAccInputHash),
    newLocalExitRoot: Buffer.from(r.newLocalExitRoot),
    newBatchNum: Number(r.newBatchNum),
    cntKeccakHashes: c.keccakHashes,
    cntPoseidonHashes: c.poseidonHashes,
    cntPoseidonPaddings: c.poseidonPaddings,
    cntMemAligns: c.memAligns,
    cntArithmetics: c.arithmetics,
    cntBinaries: c.binaries,
    cntSteps: c.steps,
    cumulativeGasUsed: Number(r.cumulativeGasUsed),
    errorRom: r.romError,
    readWriteAddresses: Object.fromEntries([...r.readWriteAddresses].map(([a, v]) => [a, { nonce: v.nonce.toString(), balance: v.balance.toString() }])),
    flushId: flush.flushId,
    storedFlushId: flush.storedFlushId,
    batchHashData: Buffer.from(r.batchHashData),
    includedBatchL2Data: Buffer.from(r.includedBatchL2Data),
    hashdbCalls: r.hashdbCalls,
    responses: r.responses.map((t, i) => ({
      txHash: Buffer.from(t.txHash),
      rlpTx: Buffer.from(t.rlpTx),
      type: 0,
      returnValue: Buffer.from(t.returnValue),
      gasLeft: Number(t.gasLeft),
      gasUsed: Number(t.gasUsed),
      gasRefunded: Number(t.gasRefunded),
      error: t.error,
      createAddress: t.createAddress,
      stateRoot: t.stateRoot ? rootBytes(t.stateRoot) : Buffer.alloc(0),
      logs: t.logs.map((l) => ({ address: l.address, topics: l.topics.map((x) => Buffer.from(x)), data: Buffer.from(l.data), batchNumber: Number(batchNum), txHash: Buffer.from(t.txHash), txIndex: i, index: l.index })),
      effectiveGasPrice: t.effectiveGasPrice.toString(),
      effectivePercentage: t.effectivePercentage,
      hasGaspriceOpcode: t.hasGaspriceOpcode ? 1 : 0,
      hasBalanceOpcode: t.hasBalanceOpcode ? 1 : 0,
      included: t.included,
      from: t.from,
      batchL2Data: Buffer.from(t.encoded),
      counters: counters(t.counters),
    })),
  };
}

export type ExecutorServerDeps = { executor: BatchExecutor; hashdb: HashDbApi; metrics: ExecutorMetrics; flushOnPersist: boolean; limiter: Limiter };

function handlers(d: ExecutorServerDeps): Record<string, (req: Req) => Promise<unknown>> {
  return {
    async processBatch(req) {
      const input = decodeRequest(req);
      const codes = Object.values((req.contractsBytecode ?? {}) as Record<string, string>);
      if (codes.length > 0) await d.hashdb.setPrograms(codes.map((c) => Uint8Array.from(Buffer.from(c.replace(/^0x/, ''), 'hex'))), { persist: input.updateMerkleTree });
      const res = await d.limiter.run(() => d.executor.processBatch(input));
      // The flush id a caller waits on before trusting the new nodes to survive a crash; whether
      // it is stored already is a separate GetFlushStatus call, made only by whoever needs it.
      let flush = { flushId: 0, storedFlushId: 0 };
      if (d.flushOnPersist && input.updateMerkleTree && input.from === undefined) {
        res.hashdbCalls += 1;
        flush = { flushId: await d.hashdb.flush(), storedFlushId: 0 };
      }
      const n = res.responses.length;
      d.metrics.hashdbCalls.inc(res.hashdbCalls);
      if (n > 0) d.metrics.hashdbCallsPerTx.observe(res.hashdbCalls / n);
      for (const t of res.responses) d.metrics.txs.inc({ outcome: RomError[t.error] ?? String(t.error) });
      if (res.romError !== RomError.NoError) d.metrics.batchErrors.inc({ error: RomError[res.romError] });
      return encodeResponse(res, input.oldBatchNum + 1n, flush);
    },
    async getFlushStatus() {
      const s = await d.hashdb.flushStatus();
      return { storedFlushId: s.storedFlushId, lastFlushId: s.pendingFlushId, proverId: s.instanceId };
    },
    async health() {
      return { serving: true };
    },
  };
}

export type ExecutorServer = { port: number; close(): Promise<void> };

export async function startGrpcServer(d: ExecutorServerDeps, host: string, port: number, maxMessageBytes: number): Promise<ExecutorServer> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': maxMessageBytes, 'grpc.max_send_message_length': maxMessageBytes });
  const Ctor = serviceConstructor(loadProto('executor.proto'), 'zkseq.executor.v1.Executor');
  const impl: grpc.UntypedServiceImplementation = {};
  for (const [name, fn] of Object.entries(handlers(d))) {
    impl[name] = (call: grpc.ServerUnaryCall<Req, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      const stop = d.metrics.latency.startTimer({ method: name });
      fn(call.request).then(
        (res) => {
          stop();
          d.metrics.requests.inc({ method: name, status: 'OK' });
          cb(null, res);
        },
        (err: unknown) => {
          stop();
          const se = toServiceError(err);
          if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError) se.code = grpc.status.INVALID_ARGUMENT;
          d.metrics.requests.inc({ method: name, status: grpc.status[se.code ?? grpc.status.INTERNAL] });
          cb(se);
        },
      );
    };
  }
  server.addService(Ctor.service, impl);
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port: bound, close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}
