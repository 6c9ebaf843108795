// Sequencer throughput: transactions from a pre-filled pool closed into batches, with the hashdb and
// the executor as their own processes (built dist/main.js) and the sequencer loop in this process,
// so its time split is read directly. Figures: sequencer.transfers_per_s, sequencer.erc20_per_s and
// the loop's time split per workload.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import { encodeBatchTx, ethRawTx, intrinsicGas, keccak256, privateKeyToAddress, signTx, toHex, type TxFields } from '@zkseq/batch';
import { note, report } from '@zkseq/bench';
import { loadArtifact } from '@zkseq/contracts';
import { writeGenesisFile } from '@zkseq/genesis';
import { ExecutorClient, HashDbClient } from '@zkseq/grpc';
import { connectNats, deleteStreams, ensureStreams, publishDurable, subjects } from '@zkseq/messaging';
import { PoolDb, type Hex, type NewPoolTx } from '@zkseq/pooldb';
import { createLogger, createRegistry } from '@zkseq/service';
import type { GenesisAccount } from '@zkseq/smt';
import { StateDb } from '@zkseq/statedb';
import { sequencerOptions, configSchema } from './config';
import { Lease } from './lease';
import { createMetrics, PHASES, TimeSplit } from './metrics';
import { Sequencer } from './sequencer';
import { Wakeup } from './wakeup';

const CHAIN_ID = 1001;
const COINBASE = '0x00000000000000000000000000000000c01bba5e';
const TOKEN = '0x00000000000000000000000000000000000e2c20';
const FUNDS = 10n ** 24n;
const root = join(__dirname, '..', '..', '..');

type Wallet = { key: Uint8Array; address: Hex };
const wallets = (n: number, seed: string): Wallet[] =>
  Array.from({ length: n }, (_, i) => {
    const key = keccak256(Buffer.from(`${seed}-${i}`));
    return { key, address: toHex(privateKeyToAddress(key)) as Hex };
  });

function poolTx(w: Wallet, f: Omit<TxFields, 'chainId' | 'gasPrice'>): NewPoolTx {
  const fields: TxFields = { ...f, gasPrice: 1_000_000_000n, chainId: BigInt(CHAIN_ID) };
  const sig = signTx(fields, w.key);
  const raw = ethRawTx(fields, sig);
  return {
    hash: toHex(keccak256(raw)) as Hex, from: w.address, to: f.to ? (toHex(f.to) as Hex) : null, nonce: Number(f.nonce), gasPrice: fields.gasPrice, gasLimit: Number(f.gasLimit),
    value: f.value, chainId: CHAIN_ID, raw: toHex(raw) as Hex, l2Data: toHex(encodeBatchTx(fields, sig)) as Hex, size: raw.length, dataSize: f.data.length,
    intrinsicGas: Number(intrinsicGas(f.data, f.to === null)), receivedAt: Date.now(),
  };
}

/** Starts `services/<name>/dist/main.js` and resolves with the gRPC port from its `readyMsg` log line. */
function startProcess(name: string, env: Record<string, string>, readyMsg: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(root, `services/${name}/dist/main.js`)], { env: { ...process.env, METRICS_PORT: '0', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const msg = JSON.parse(line) as { msg: string; port?: number };
      if (msg.msg === readyMsg) resolve({ child, port: msg.port! });
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

/** CPU seconds Redis has used so far (the whole server: other clients count too). */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const get = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
  return get('used_cpu_sys') + get('used_cpu_user');
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

type Workload = { name: string; warmup: NewPoolTx[]; measured: NewPoolTx[]; batchTimeoutMs: number };

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'zkseq-seq-bench-'));
  const ns = `bench${randomBytes(4).toString('hex')}`;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { enableAutoPipelining: true });
  const nc = await connectNats({ url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'sequencer-bench' });
  const procs: ChildProcess[] = [];
  try {
    // Transfers: 600 senders x 6 nonces (12 full batches of 300). ERC-20: 240 senders x 5.
    const senders = wallets(600, 'seq-bench-transfer');
    const tokenSenders = wallets(240, 'seq-bench-erc20');
    const receiver = Buffer.alloc(20, 0x42);
    const transfers = Array.from({ length: 6 }, (_, n) => senders.map((s) => poolTx(s, { nonce: BigInt(n), gasLimit: 21_000n, to: receiver, value: 1n, data: new Uint8Array(0) }))).flat();
    const transferCall = Buffer.from(`a9059cbb${'42'.repeat(20).padStart(64, '0')}${'1'.padStart(64, '0')}`, 'hex');
    const erc20 = Array.from({ length: 5 }, (_, n) =>
      tokenSenders.map((s) => poolTx(s, { nonce: BigInt(n), gasLimit: 100_000n, to: Buffer.from(TOKEN.slice(2), 'hex'), value: 0n, data: transferCall })),
    ).flat();
    const balanceSlot = (a: string) => BigInt(toHex(keccak256(Buffer.from(a.slice(2).padStart(64, '0') + '3'.padStart(64, '0'), 'hex'))));
    const genesis: GenesisAccount[] = [
      ...[...senders, ...tokenSenders].map((s) => ({ address: s.address, balance: FUNDS })),
      // FeeToken's runtime code with every sender's balanceOf (mapping at slot 3) set.
      { address: TOKEN, code: Buffer.from(loadArtifact('FeeToken').deployedBytecode.slice(2), 'hex'), storage: new Map(tokenSenders.map((s) => [balanceSlot(s.address), 10n ** 20n])) },
    ];
    const genesisFile = join(dir, 'genesis.json');
    writeGenesisFile(genesisFile, { chainId: CHAIN_ID, timestamp: 1_700_000_000, accounts: genesis });

    const hashdb = await startProcess('hashdb', { HASHDB_GRPC_PORT: '0', HASHDB_DATA_DIR: join(dir, 'hashdb') }, 'grpc listening');
    procs.push(hashdb.child);
    const executor = await startProcess('executor', { EXECUTOR_GRPC_PORT: '0', HASHDB_URL: `127.0.0.1:${hashdb.port}` }, 'executor listening');
    procs.push(executor.child);
    const hashdbClient = new HashDbClient({ address: `127.0.0.1:${hashdb.port}`, policy: { deadlineMs: 60_000 } });
    const executorClient = new ExecutorClient({ address: `127.0.0.1:${executor.port}`, policy: { deadlineMs: 60_000 } });
    await ensureStreams(nc, ns, { storage: 'memory' });
    const js = nc.jetstream();
    const subj = subjects(ns);
    const state = new StateDb(redis, { prefix: `${ns}:state:` });
    const pool = new PoolDb(redis, { prefix: `${ns}:pool:` });

    const run = async (w: Workload) => {
      const all = [...w.warmup, ...w.measured];
      for (let i = 0; i < all.length; i += 500) {
        const res = await Promise.all(all.slice(i, i + 500).map((t) => pool.add(t, 0)));
        if (res.some((r) => !r.ok)) throw new Error(`${w.name}: the pool refused a transaction`);
      }
      const heads = await state.getHeads();
      const base = heads?.lastBlock ?? 0;
      const cfg = configSchema.parse({ SEQUENCER_COINBASE: COINBASE, L2_CHAIN_ID: String(CHAIN_ID), SEQUENCER_BATCH_TIMEOUT_MS: String(w.batchTimeoutMs) });
      const registry = createRegistry('sequencer-bench');
      const metrics = createMetrics(registry);
      const split = new TimeSplit(metrics.phaseSeconds);
      const stop = new AbortController();
      const sequencer = new Sequencer({
        state, pool, executor: executorClient, hashdb: hashdbClient, lease: new Lease(redis, `${ns}:lease:sequencer`, 'bench', 5_000),
        publishBlock: (msg) => nc.publish(subj.l2Block, new TextEncoder().encode(JSON.stringify(msg))),
        publishClosed: async (msg) => void (await publishDurable(js, subj.batchClosed, msg, String(msg.batchNumber))),
        metrics, logger: createLogger('sequencer-bench', 'warn'), options: sequencerOptions(cfg), genesisFile, split, wakeup: new Wakeup(),
        fatal: (err) => stop.abort(err),
      });
      const running = sequencer.run(stop.signal);
      const blocksReach = async (n: number) => {
        for (;;) {
          if (stop.signal.aborted) throw stop.signal.reason;
          const h = (await state.getHeads())!;
          if (h && h.lastBlock >= n && h.lastClosedBatch === h.lastBatch) return;
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      await blocksReach(base + w.warmup.length);
      const before = { ...split.seconds };
      const cpu0 = [process.pid, hashdb.child.pid!, executor.child.pid!].map(cpuSeconds);
      const redis0 = await redisCpuSeconds(redis);
      const t0 = performance.now();
      await blocksReach(base + all.length);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = [process.pid, hashdb.child.pid!, executor.child.pid!].map((pid, i) => ((cpuSeconds(pid) - cpu0[i]) * 1000) / w.measured.length);
      const redisMs = (((await redisCpuSeconds(redis)) - redis0) * 1000) / w.measured.length;
      stop.abort(new Error('benchmark done'));
      await running;
      const spent = PHASES.map((p) => split.seconds[p] - before[p]);
      const loop = spent.reduce((a, b) => a + b, 0);
      report(`sequencer.${w.name}_per_s`, w.measured.length / seconds, 'tx/s');
      for (const [i, p] of PHASES.entries()) report(`sequencer.${w.name}.split.${p}_pct`, (100 * spent[i]) / loop, '%');
      const persister = await registry.getSingleMetricAsString('sequencer_persister_busy_seconds_total');
      report(`sequencer.${w.name}.cpu_ms_per_tx.sequencer`, cpu[0], 'ms');
      report(`sequencer.${w.name}.cpu_ms_per_tx.executor`, cpu[2], 'ms');
      report(`sequencer.${w.name}.cpu_ms_per_tx.hashdb`, cpu[1], 'ms');
      report(`sequencer.${w.name}.cpu_ms_per_tx.redis`, redisMs, 'ms');
      note(`${w.name}: ${w.measured.length} txs in ${seconds.toFixed(2)} s; loop time split ${PHASES.map((p, i) => `${p} ${spent[i].toFixed(2)} s`).join(', ')}; ${persister.split('\n').pop()}`);
    };

    note('sequencer: ETH transfers (600 senders x 6 nonces, 300-tx batches), hashdb and executor processes');
    await run({ name: 'transfers', warmup: transfers.slice(0, 600), measured: transfers.slice(600), batchTimeoutMs: 10_000 });
    note('sequencer: ERC-20 transfers (240 senders x 5 nonces), batches closed by the counters');
    await run({ name: 'erc20', warmup: erc20.slice(0, 240), measured: erc20.slice(240), batchTimeoutMs: 250 });
    executorClient.close();
    hashdbClient.close();
  } finally {
    for (const p of procs.reverse()) await stopProcess(p);
    await deleteStreams(nc, ns).catch(() => undefined);
    await nc.drain();
    const keys = await redis.keys(`${ns}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
