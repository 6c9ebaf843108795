// Executor throughput: ETH transfers and ERC-20 transfers in 300-tx batches with state roots
// (in-process hashdb), counter overhead, and the same transfers through the executor service
// with the hashdb as its own process (throughput and hashdb round trips per tx).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keccak256, toHex } from '@zkseq/batch';
import { loadArtifact } from '@zkseq/contracts';
import { note, report } from '@zkseq/bench';
import { ExecutorClient, HashDbClient } from '@zkseq/grpc';
import { HashDb, MemoryBackend, type H4, type HashDbApi } from '@zkseq/smt';
import { RomError } from './constants';
import { BatchExecutor } from './processor';
import { batchInput, erc20Transfer, signed, transferBatches, wallets, type Wallet } from './bench-fixtures';

const TXS = 300;
const ERC20_TXS = 150;
/** Timed batches per figure, after WARMUP untimed ones (the first batches run cold: JIT, caches). */
const ROUNDS = 8;
const WARMUP = 3;
const FUNDS = 10n ** 24n;

/** The same rate on this process's CPU time: context for figures taken on a busy shared machine. */
function noteCpu(what: string, txs: number, since: NodeJS.CpuUsage): void {
  const cu = process.cpuUsage(since);
  note(`executor: ${what} on CPU time (this process, GC threads included): ${(txs / ((cu.user + cu.system) / 1e6)).toFixed(0)} tx/s`);
}

function check(res: { responses: { error: number }[] }, what: string): void {
  const bad = res.responses.filter((r) => r.error !== RomError.NoError);
  if (bad.length > 0) throw new Error(`${what}: ${bad.length} txs failed (first error ${bad[0].error})`);
}

async function genesis(db: HashDbApi, accounts: Wallet[]): Promise<H4> {
  return db.loadGenesis(accounts.map((a) => ({ address: a.address, balance: FUNDS })));
}

async function transfers(): Promise<void> {
  const db = new HashDb(new MemoryBackend());
  const senders = wallets(TXS, 'sender');
  const receivers = wallets(TXS, 'receiver');
  let root = await genesis(db, senders);
  const exec = new BatchExecutor(db);
  const batches = transferBatches(senders, receivers, WARMUP + ROUNDS);
  let batchNum = 0n;
  const run = async (data: Uint8Array) => {
    const res = await exec.processBatch(batchInput(root, data, batchNum++));
    check(res, 'transfer batch');
    root = res.newStateRoot;
  };
  for (let r = 0; r < WARMUP; r++) await run(batches[r]);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let r = WARMUP; r < WARMUP + ROUNDS; r++) await run(batches[r]);
  const s = (performance.now() - t0) / 1000;
  report('executor.transfers_per_s', (ROUNDS * TXS) / s, 'tx/s');
  noteCpu('transfers', ROUNDS * TXS, c0);
}

/**
 * The FeeToken runtime code in genesis with every sender's balanceOf slot (mapping at slot 3)
 * set: its init code is compiled for Cancun and does not run on fork 6 (MCOPY), its transfer does.
 */
async function setupToken(db: HashDbApi, senders: Wallet[]): Promise<{ root: H4; token: string; batchNum: bigint }> {
  const token = '0x00000000000000000000000000000000000e2c20';
  const code = Buffer.from(loadArtifact('FeeToken').deployedBytecode.replace(/^0x/, ''), 'hex');
  const slot = (a: string) => BigInt(toHex(keccak256(Buffer.from(a.slice(2).padStart(64, '0') + '3'.padStart(64, '0'), 'hex'))));
  const root = await db.loadGenesis([
    ...senders.map((s) => ({ address: s.address, balance: FUNDS })),
    { address: token, code, storage: new Map(senders.map((s) => [slot(s.address), 10n ** 20n])) },
  ]);
  return { root, token, batchNum: 0n };
}

/**
 * ERC-20 transfers with state roots stored (the erc20 figure). The counter overhead compares extra
 * runs of each batch from the same root that store nothing, with and without counters, so that
 * both do identical hashdb work and differ only in counting: the median over batches of the CPU
 * time ratio (CPU time, because wall time on a shared machine mostly measures the neighbours).
 */
async function erc20(): Promise<{ withCounters: number; overheadPct: number }> {
  const db = new HashDb(new MemoryBackend());
  // The counter model fits about 155 ERC-20 transfers in a fork-6 batch (steps: about 50 000 each).
  const senders = wallets(ERC20_TXS, 'erc20-sender');
  const receivers = wallets(ERC20_TXS, 'erc20-receiver');
  const exec = new BatchExecutor(db);
  const setup = await setupToken(db, senders);
  let { root, batchNum } = setup;
  const to = Buffer.from(setup.token.slice(2), 'hex');
  const batches = Array.from({ length: WARMUP + ROUNDS }, (_, r) =>
    Buffer.concat(senders.map((s, i) => signed(s, { nonce: BigInt(r), gasLimit: 100_000n, to, value: 0n, data: erc20Transfer(receivers[i].address, 1n) }))),
  );
  const time = async (data: Uint8Array, noCounters: boolean, store: boolean) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const res = await exec.processBatch({ ...batchInput(root, data, batchNum, noCounters), updateMerkleTree: store });
    const cu = process.cpuUsage(c0);
    check(res, 'erc20 batch');
    return { ms: performance.now() - t0, cpuMs: (cu.user + cu.system) / 1000, root: res.newStateRoot };
  };
  let stored = 0;
  let storedCpu = 0;
  const ratios: number[] = [];
  for (let r = 0; r < WARMUP + ROUNDS; r++) {
    // Both orders, so that whatever the first run warms up favours neither side.
    const c1 = await time(batches[r], false, false);
    const p1 = await time(batches[r], true, false);
    const p2 = await time(batches[r], true, false);
    const c2 = await time(batches[r], false, false);
    const s = await time(batches[r], false, true);
    if (r >= WARMUP) {
      ratios.push((c1.cpuMs + c2.cpuMs) / (p1.cpuMs + p2.cpuMs));
      stored += s.ms;
      storedCpu += s.cpuMs;
    }
    root = s.root;
    batchNum++;
  }
  ratios.sort((a, b) => a - b);
  const overheadPct = (ratios[Math.floor(ratios.length / 2)] - 1) * 100;
  note(`executor: ERC-20 on CPU time (this process, GC threads included): ${((ROUNDS * ERC20_TXS) / (storedCpu / 1000)).toFixed(0)} tx/s`);
  return { withCounters: (ROUNDS * ERC20_TXS) / (stored / 1000), overheadPct };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function startProcess(script: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [script], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return child;
}

async function waitFor(fn: () => Promise<unknown>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await fn();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${what} did not start`);
}

async function overGrpc(): Promise<void> {
  const root = join(__dirname, '..', '..', '..');
  const dir = mkdtempSync(join(tmpdir(), 'zkseq-exec-bench-'));
  const [hashdbPort, execPort, m1, m2] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const hashdbProc = startProcess(join(root, 'services/hashdb/dist/main.js'), { HASHDB_GRPC_PORT: String(hashdbPort), HASHDB_DATA_DIR: dir, METRICS_PORT: String(m1) });
  const execProc = startProcess(join(root, 'services/executor/dist/main.js'), { EXECUTOR_GRPC_PORT: String(execPort), HASHDB_URL: `127.0.0.1:${hashdbPort}`, METRICS_PORT: String(m2) });
  const hashdb = new HashDbClient({ address: `127.0.0.1:${hashdbPort}` });
  const client = new ExecutorClient({ address: `127.0.0.1:${execPort}`, policy: { deadlineMs: 120_000 } });
  try {
    await waitFor(() => hashdb.instanceId(), 'hashdb');
    await waitFor(() => client.health(), 'executor');
    const senders = wallets(TXS, 'grpc-sender');
    const receivers = wallets(TXS, 'grpc-receiver');
    let stateRoot = await genesis(hashdb, senders);
    const batches = transferBatches(senders, receivers, WARMUP + ROUNDS);
    let calls = 0;
    let txs = 0;
    let batchNum = 0n;
    const run = async (data: Uint8Array) => {
      const { remaining: _r, ...req } = batchInput(stateRoot, data, batchNum++);
      const res = await client.processBatch(req);
      check(res, 'grpc transfer batch');
      stateRoot = res.newStateRoot;
      return res;
    };
    for (let r = 0; r < WARMUP; r++) await run(batches[r]);
    const t0 = performance.now();
    for (let r = WARMUP; r < WARMUP + ROUNDS; r++) {
      const res = await run(batches[r]);
      calls += res.hashdbCalls;
      txs += res.responses.length;
    }
    report('executor.grpc_transfers_per_s', txs / ((performance.now() - t0) / 1000), 'tx/s');
    report('executor.hashdb_calls_per_tx', calls / txs, 'calls/tx');
  } finally {
    client.close();
    hashdb.close();
    execProc.kill('SIGTERM');
    hashdbProc.kill('SIGTERM');
    await Promise.all([execProc, hashdbProc].map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  note('executor: ETH transfers, 300-tx batches, in-process hashdb');
  await transfers();
  note(`executor: ERC-20 transfers, ${ERC20_TXS}-tx batches, in-process hashdb`);
  const { withCounters, overheadPct } = await erc20();
  report('executor.erc20_per_s', withCounters, 'tx/s');
  report('executor.counters_overhead_pct', overheadPct, '%');
  note('executor: ETH transfers through the executor service, hashdb as its own process');
  await overGrpc();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
