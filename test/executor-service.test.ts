// The executor as its own process against a real hashdb process: vectors over gRPC, candidate
// mode, eth_call mode, and bad input answered with a clear status while the service keeps serving.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromHex, toHex } from '@zkseq/batch';
import { CodedError } from '@zkseq/errors';
import { ExecutorClient, GrpcCallError, HashDbClient, type ProcessBatchRequest } from '@zkseq/grpc';
import { h4ToHex, hexToH4 } from '@zkseq/smt';
import { leavesFromDb } from '../services/executor/src/executor-input';
import { signed, wallets } from '../services/executor/src/bench-fixtures';
import { executorInputs } from './executor-vectors';

jest.setTimeout(120_000);

const root = join(__dirname, '..');
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

async function waitFor(fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await fn();
      return;
    } catch (err) {
      if (i > 150) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

let procs: ChildProcess[] = [];
let dir = '';
let executorMetricsPort = 0;
let hashdb: HashDbClient;
let executor: ExecutorClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zkseq-exec-test-'));
  const [hp, ep, m1, m2] = [await freePort(), await freePort(), await freePort(), await freePort()];
  executorMetricsPort = m2;
  const start = (script: string, env: Record<string, string>) => spawn(process.execPath, [join(root, script)], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  procs = [
    start('services/hashdb/dist/main.js', { HASHDB_GRPC_PORT: String(hp), HASHDB_DATA_DIR: dir, METRICS_PORT: String(m1) }),
    start('services/executor/dist/main.js', { EXECUTOR_GRPC_PORT: String(ep), HASHDB_URL: `127.0.0.1:${hp}`, METRICS_PORT: String(m2), EXECUTOR_MAX_BATCH_BYTES: '120000' }),
  ];
  hashdb = new HashDbClient({ address: `127.0.0.1:${hp}` });
  executor = new ExecutorClient({ address: `127.0.0.1:${ep}`, policy: { deadlineMs: 60_000 } });
  await waitFor(() => hashdb.instanceId());
  await waitFor(() => executor.health());
});

afterAll(async () => {
  executor?.close();
  hashdb?.close();
  for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
  rmSync(dir, { recursive: true, force: true });
});

function requestOf(input: Record<string, any>): ProcessBatchRequest { // eslint-disable-line @typescript-eslint/no-explicit-any
  return {
    oldStateRoot: hexToH4(input.oldStateRoot),
    oldAccInputHash: fromHex(input.oldAccInputHash),
    oldBatchNum: BigInt(input.oldNumBatch),
    chainId: BigInt(input.chainID),
    forkId: Number(input.forkID),
    batchL2Data: fromHex(input.batchL2Data),
    globalExitRoot: fromHex(input.globalExitRoot),
    timestamp: BigInt(input.timestamp),
    coinbase: input.sequencerAddr.toLowerCase(),
    updateMerkleTree: true,
  };
}

async function expectStatus(p: Promise<unknown>, code: string): Promise<void> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(CodedError);
  expect((err as CodedError).code).toBe(code);
}

describe('executor service over gRPC', () => {
  it('executes the e2e and general vectors against the hashdb process', async () => {
    for (const name of ['e2e_0', 'general_3']) {
      const folder = name === 'e2e_0' ? 'e2e' : 'no-data';
      const { input } = executorInputs(folder).find((x) => x.name === name)!;
      await hashdb.apply([0n, 0n, 0n, 0n], leavesFromDb(input.db, hexToH4(input.oldStateRoot)));
      const codes = Object.values(input.contractsBytecode).map((c) => fromHex(c));
      if (codes.length) await hashdb.setPrograms(codes);
      const res = await executor.processBatch(requestOf(input));
      expect(h4ToHex(res.newStateRoot)).toBe(input.newStateRoot.toLowerCase());
      expect(toHex(res.newAccInputHash)).toBe(input.newAccInputHash.toLowerCase());
      expect(res.newBatchNum).toBe(BigInt(input.newNumBatch));
      expect(res.flushId).toBeGreaterThan(0);
      // The per-tx state root of the last block is the batch root.
      const last = res.responses.filter((r) => r.included).pop();
      if (last) expect(h4ToHex(last.stateRoot!)).toBe(input.newStateRoot.toLowerCase());
    }
  });

  it('answers bad input with a clear status and keeps serving', async () => {
    const { input } = executorInputs('no-data').find((x) => x.name === 'general_0')!;
    const good = requestOf(input);
    await expectStatus(executor.processBatch({ ...good, forkId: 5 }), 'EXECUTOR_UNSUPPORTED_FORK_ID');
    await expectStatus(executor.processBatch({ ...good, oldStateRoot: [1n, 2n, 3n, 4n] }), 'EXECUTOR_UNKNOWN_ROOT');
    await expectStatus(executor.processBatch({ ...good, batchL2Data: new Uint8Array(120_001) }), 'EXECUTOR_BATCH_DATA_TOO_BIG');
    await expectStatus(executor.processBatch({ ...good, coinbase: '0x1234' }), 'EXECUTOR_INVALID_REQUEST');
    // Malformed batch data is not a request error: the batch runs no tx (ROM_ERROR_INVALID_RLP).
    await hashdb.apply([0n, 0n, 0n, 0n], leavesFromDb(input.db, hexToH4(input.oldStateRoot)));
    const rlp = await executor.processBatch({ ...good, batchL2Data: Uint8Array.of(0xc1, 0x00) });
    expect(rlp.errorRom).toBe(29);
    expect(rlp.responses).toHaveLength(0);
    expect(await executor.health()).toBe(true);
    const ok = await executor.processBatch(good);
    expect(h4ToHex(ok.newStateRoot)).toBe(input.newStateRoot.toLowerCase());
  });

  it('candidate mode keeps what fits and skips the rest; eth_call mode stores nothing', async () => {
    const [alice, bob] = wallets(2, 'svc-test');
    const start = await hashdb.loadGenesis([{ address: alice.address, balance: 10n ** 21n }]);
    const to = Buffer.from(bob.address.slice(2), 'hex');
    const tx = (nonce: bigint) => signed(alice, { nonce, gasLimit: 21_000n, to, value: 5n, data: new Uint8Array(0) });
    const base: ProcessBatchRequest = {
      oldStateRoot: start,
      oldAccInputHash: new Uint8Array(32),
      oldBatchNum: 0n,
      chainId: 1000n,
      forkId: 6,
      batchL2Data: Buffer.concat([tx(0n), tx(7n), tx(1n), tx(2n)]),
      globalExitRoot: new Uint8Array(32),
      timestamp: 1_700_000_000n,
      coinbase: '0x617b3a3528f9cdd6630fd3301b9c8911f7bf063d',
      updateMerkleTree: false,
    };
    const big = 10_000_000;
    const res = await executor.processBatch({
      ...base,
      remaining: { steps: big, keccakHashes: big, poseidonHashes: big, poseidonPaddings: big, memAligns: big, arithmetics: big, binaries: big, gas: 10_000_000n, bytes: 100_000, txs: 2 },
    });
    expect(res.responses.map((r) => [r.error, r.included])).toEqual([
      [1, true],
      [21, false], // wrong nonce: intrinsic error, no block
      [1, true],
      [100, false], // would be a third tx: NOT_INCLUDED
    ]);
    expect(toHex(res.includedBatchL2Data)).toBe(toHex(Buffer.concat([tx(0n), tx(1n)])));
    expect(res.readWriteAddresses.get(bob.address)?.balance).toBe(10n);

    // eth_call: unsigned from bob (unfunded, so it fails the balance check), nothing stored.
    const call = await executor.processBatch({ ...base, batchL2Data: tx(0n), from: bob.address, updateMerkleTree: true });
    expect(call.responses[0].error).toBe(23);
    expect(call.flushId).toBe(0);
  });

  it('serves /metrics and /ready, and stops cleanly on SIGTERM', async () => {
    const base = `http://127.0.0.1:${executorMetricsPort}`;
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/executor_hashdb_calls_per_tx_count\{[^}]*\} [1-9]/);
    expect(text).toMatch(/executor_requests_total\{[^}]*method="processBatch"[^}]*status="INVALID_ARGUMENT"/);
    const exec = procs[1];
    const code = new Promise((r) => exec.once('exit', (c) => r(c)));
    exec.kill('SIGTERM');
    expect(await code).toBe(0);
  });

  it('reports transport failures as GrpcCallError, not as a coded executor error', async () => {
    const dead = new ExecutorClient({ address: `127.0.0.1:${await freePort()}`, policy: { deadlineMs: 300, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } } });
    await expect(dead.health()).rejects.toBeInstanceOf(GrpcCallError);
    dead.close();
  });
});
