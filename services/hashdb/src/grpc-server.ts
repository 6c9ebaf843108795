import * as grpc from '@grpc/grpc-js';
import { HashDbErrorCode } from '@zkseq/errors';
import { bytesToH4, bytesToValue, h4ToBytes, loadProto, serviceConstructor, toServiceError, valueToBytes } from '@zkseq/grpc';
import type { HashDb } from '@zkseq/smt';
import type { HashDbMetrics } from './metrics';

type Req = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const { InvalidKey, InvalidRoot } = HashDbErrorCode;

/** proto/hashdb.proto handlers over a HashDb: decode and validate, call, encode. */
function handlers(db: HashDb): Record<string, (req: Req) => Promise<unknown>> {
  const list = (v: unknown, what: string): Req[] => {
    if (!Array.isArray(v)) throw new TypeError(`${what} must be a list`);
    return v as Req[];
  };
  return {
    async getLeaves(req) {
      const root = bytesToH4(req.root, 'root', InvalidRoot);
      const keys = list(req.keys, 'keys').map((k, i) => bytesToH4(k as unknown as Buffer, `keys[${i}]`, InvalidKey));
      return { values: (await db.getLeaves(root, keys)).map(valueToBytes) };
    },
    async applySteps(req) {
      const root = bytesToH4(req.root, 'root', InvalidRoot);
      const steps = list(req.steps, 'steps').map((s, i) => ({
        changes: list(s.changes, 'changes').map((c, j) => ({
          key: bytesToH4(c.key, `steps[${i}].changes[${j}].key`, InvalidKey),
          value: bytesToValue(c.value, `steps[${i}].changes[${j}].value`),
        })),
        ...(s.rootSlotKey?.length ? { rootSlotKey: bytesToH4(s.rootSlotKey, `steps[${i}].rootSlotKey`, InvalidKey) } : {}),
      }));
      const results = await db.applySteps(root, steps, { persist: !req.noPersist });
      return { results: results.map((r) => ({ root: h4ToBytes(r.root), rootAfterSlot: r.rootAfterSlot ? h4ToBytes(r.rootAfterSlot) : Buffer.alloc(0) })) };
    },
    async getProgram(req) {
      return { code: Buffer.from(await db.getProgram(bytesToH4(req.hash, 'hash', InvalidKey))) };
    },
    async setPrograms(req) {
      const hashes = await db.setPrograms(list(req.codes, 'codes') as unknown as Buffer[], { persist: !req.noPersist });
      return { hashes: hashes.map(h4ToBytes) };
    },
    async loadGenesis(req) {
      const accounts = list(req.accounts, 'accounts').map((a, i) => {
        if (typeof a.address !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(a.address)) throw new TypeError(`accounts[${i}].address must be 0x + 40 hex digits`);
        return {
          address: a.address as string,
          balance: bytesToValue(a.balance, `accounts[${i}].balance`),
          nonce: bytesToValue(a.nonce, `accounts[${i}].nonce`),
          code: a.code as Buffer,
          storage: new Map(list(a.storage, 'storage').map((s, j) => [bytesToValue(s.slot, `accounts[${i}].storage[${j}].slot`), bytesToValue(s.value, `accounts[${i}].storage[${j}].value`)])),
        };
      });
      return { root: h4ToBytes(await db.loadGenesis(accounts, { persist: !req.noPersist })) };
    },
    async flush(req) {
      return { flushId: await db.flush({ wait: Boolean(req.wait) }) };
    },
    async getFlushStatus() {
      const s = await db.flushStatus();
      return { storedFlushId: s.storedFlushId, pendingFlushId: s.pendingFlushId, instanceId: s.instanceId };
    },
  };
}

export type HashDbServer = { port: number; close(): Promise<void> };

export async function startGrpcServer(db: HashDb, metrics: HashDbMetrics, host: string, port: number, maxMessageBytes: number): Promise<HashDbServer> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': maxMessageBytes, 'grpc.max_send_message_length': maxMessageBytes });
  const Ctor = serviceConstructor(loadProto('hashdb.proto'), 'zkseq.hashdb.v1.HashDb');
  const impl: grpc.UntypedServiceImplementation = {};
  for (const [name, fn] of Object.entries(handlers(db))) {
    impl[name] = (call: grpc.ServerUnaryCall<Req, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      const stop = metrics.latency.startTimer({ method: name });
      fn(call.request).then(
        (res) => {
          stop();
          metrics.calls.inc({ method: name, status: 'OK' });
          cb(null, res);
        },
        (err: unknown) => {
          stop();
          const se = toServiceError(err);
          // Wrong shapes the codec did not name (a list where bytes belong, ...) are the caller's fault too.
          if (err instanceof TypeError) se.code = grpc.status.INVALID_ARGUMENT;
          metrics.calls.inc({ method: name, status: grpc.status[se.code ?? grpc.status.INTERNAL] });
          cb(se);
        },
      );
    };
  }
  server.addService(Ctor.service, impl);
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}
