// `pnpm bench rpc`: the built hashdb, pool and rpc services each in its own process, against the
// machine's Redis and NATS; this script is the client (a fourth process) speaking JSON-RPC over
// keep-alive HTTP with many requests in flight.
// - rpc.send_raw_tx_per_s: eth_sendRawTransaction of pre-signed legacy transfers, each admitted into
//   the pool DB (full admission: decode, native sender recovery, nonce/balance at the latest root,
//   Lua insert); every reply is checked to be the tx hash. Also p50/p99 latency at that load
//   (IN_FLIGHT requests outstanding) and with a single request outstanding.
// - rpc.get_balance_per_s: eth_getBalance at latest for the funded accounts.
// - rpc.block_number_per_s: eth_blockNumber.
// Settings that differ from the defaults: no per-IP rate limit (one client IP), and global pool
// limits raised above the number of transactions sent (geth's 5,120 would stop the run).
// RPC_BENCH_PROFILE_DIR=dir writes CPU profiles of the services.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import { ethRawTx, privateKeyToAddress, signTx, toHex, type TxFields } from '@zkseq/batch';
import { note, percentile, report } from '@zkseq/bench';
import { HashDbClient } from '@zkseq/grpc';
import { PoolDb } from '@zkseq/pooldb';
import { h4ToHex } from '@zkseq/smt';
import { StateDb, type Hex } from '@zkseq/statedb';

const SENDERS = 2_000;
const NONCES = 12;
const WARMUP_SENDERS = 200;
const IN_FLIGHT = 128;
const READ_SECONDS = 5;
const CHAIN_ID = 1001;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const services = join(__dirname, '../..');

function start(name: string, env: Record<string, string>, readyMsg: string): Promise<{ child: ChildProcess; info: Record<string, unknown> }> {
  // RPC_BENCH_PROFILE_DIR: write a V8 CPU profile of every service there (for finding hot spots).
  const profile = process.env.RPC_BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.RPC_BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, join(services, name, 'dist/main.js')], {
    env: { ...process.env, METRICS_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as Record<string, unknown>;
      if (msg.msg === readyMsg) resolve({ child, info: msg });
    });
  });
}
const children: ChildProcess[] = [];

type RpcReply = { result?: unknown; error?: { message: string } };
type Rpc = (method: string, params: unknown[]) => Promise<RpcReply>;

/**
 * A deliberately thin load generator: IN_FLIGHT keep-alive HTTP/1.1 connections, one request in
 * flight on each, responses framed by Content-Length. Lighter than node:http's client, so the
 * shared cores go to the services being measured.
 */
async function rpcClient(port: number): Promise<Rpc> {
  type Conn = { socket: Socket; buf: Buffer; waiting: ((r: RpcReply) => void) | null };
  const idle: Conn[] = [];
  const queue: ((c: Conn) => void)[] = [];
  const release = (c: Conn) => {
    const next = queue.shift();
    if (next) next(c);
    else idle.push(c);
  };
  const onData = (c: Conn, chunk: Buffer) => {
    c.buf = c.buf.length ? Buffer.concat([c.buf, chunk]) : chunk;
    const headerEnd = c.buf.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const m = /content-length: *(\d+)/i.exec(c.buf.subarray(0, headerEnd).toString('latin1'));
    const len = Number(m?.[1] ?? 0);
    if (c.buf.length < headerEnd + 4 + len) return;
    const body = c.buf.subarray(headerEnd + 4, headerEnd + 4 + len).toString();
    c.buf = c.buf.subarray(headerEnd + 4 + len);
    const resolve = c.waiting!;
    c.waiting = null;
    resolve(JSON.parse(body) as RpcReply);
  };
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, () =>
      new Promise<void>((resolve, reject) => {
        const c: Conn = { socket: connect(port, '127.0.0.1'), buf: Buffer.alloc(0), waiting: null };
        c.socket.setNoDelay(true);
        c.socket.on('data', (d: Buffer) => onData(c, d));
        c.socket.once('connect', () => {
          idle.push(c);
          resolve();
        });
        c.socket.once('error', reject);
      }),
    ),
  );
  sockets.push(...idle.map((c) => c.socket));
  let id = 0;
  return async (method, params) => {
    const c = idle.pop() ?? (await new Promise<Conn>((r) => queue.push(r)));
    const body = JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params });
    const reply = new Promise<RpcReply>((r) => (c.waiting = r));
    c.socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const res = await reply;
    release(c);
    return res;
  };
}
const sockets: Socket[] = [];

/** CPU seconds used so far by process `pid` (user + system). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function pidOf(command: string): number | undefined {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === command) return Number(d);
    } catch {
      // the process ended meanwhile
    }
  }
  return undefined;
}

/** Runs `jobs` with `workers` concurrent workers; returns per-call latencies (ms) and the wall time (s). */
async function drive(jobs: number, fn: (i: number) => Promise<void>, workers = IN_FLIGHT): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = new Array(jobs);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let i = next++; i < jobs; i = next++) {
        const s = performance.now();
        await fn(i);
        latencies[i] = performance.now() - s;
      }
    }),
  );
  return { latencies, seconds: (performance.now() - t0) / 1000 };
}

/** Calls `fn` with IN_FLIGHT workers for `seconds`; returns calls per second. */
async function forSeconds(seconds: number, fn: (i: number) => Promise<void>): Promise<number> {
  let calls = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) await fn(calls++);
    }),
  );
  return calls / ((performance.now() - t0) / 1000);
}

function signTransfers(keys: Uint8Array[], nonces: number, firstNonce = 0): string[] {
  const to = new Uint8Array(20).fill(0x42);
  const out: string[] = [];
  // Nonce-major order: a sender's transactions reach the pool in nonce order, spread over time.
  for (let n = firstNonce; n < firstNonce + nonces; n++) {
    for (const key of keys) {
      const tx: TxFields = { nonce: BigInt(n), gasPrice: 1_000_000_000n, gasLimit: 21_000n, to, value: 1n, data: new Uint8Array(0), chainId: BigInt(CHAIN_ID) };
      out.push(toHex(ethRawTx(tx, signTx(tx, key))));
    }
  }
  return out;
}

async function main() {
  const ns = `bench${randomBytes(4).toString('hex')}`;
  const redis = new Redis(REDIS_URL);
  const dataDir = mkdtempSync(join(tmpdir(), 'zkseq-rpc-bench-'));
  try {
    const keys = Array.from({ length: SENDERS + WARMUP_SENDERS }, () => randomBytes(32));
    const addresses = keys.map((k) => toHex(privateKeyToAddress(k)) as Hex);
    const hashdbProc = await start('hashdb', { HASHDB_DATA_DIR: dataDir, HASHDB_GRPC_PORT: '0' }, 'grpc listening');
    const hashdbUrl = `127.0.0.1:${hashdbProc.info.port as number}`;
    const hashdb = new HashDbClient({ address: hashdbUrl });
    const root = h4ToHex(await hashdb.loadGenesis(addresses.map((address) => ({ address, balance: 10n ** 20n })))) as Hex;
    hashdb.close();
    const zero = `0x${'0'.repeat(64)}` as Hex;
    const state = new StateDb(redis, { prefix: `${ns}:state:` });
    await state.initGenesis({
      stateRoot: root, timestamp: 1, coinbase: `0x${'0'.repeat(40)}`,
      block: {
        number: 0, hash: `0x${'01'.repeat(32)}`, parentHash: zero, stateRoot: root, transactionsRoot: zero, receiptsRoot: zero, logsBloom: `0x${'0'.repeat(512)}`,
        miner: `0x${'0'.repeat(40)}`, gasLimit: '0x1c9c380', gasUsed: '0x0', timestamp: 1, extraData: '0x', size: 0, batchNumber: 0, transactions: [],
      },
    });
    const common = {
      NATS_URL, NATS_NAMESPACE: ns, L2_CHAIN_ID: String(CHAIN_ID), HASHDB_URL: hashdbUrl, LOG_LEVEL: 'warn',
      POOL_REDIS_URL: REDIS_URL, POOL_REDIS_PREFIX: `${ns}:pool:`, STATE_REDIS_URL: REDIS_URL, STATE_REDIS_PREFIX: `${ns}:state:`,
    };
    const poolProc = await start('pool', { ...common, LOG_LEVEL: 'info', POOL_GLOBAL_PENDING: '1000000', POOL_GLOBAL_QUEUED: '1000000' }, 'pool accepting submissions');
    const rpcProc = await start('rpc', { ...common, LOG_LEVEL: 'info', RPC_PORT: '0', RPC_RATE_LIMIT_PER_SEC: '0', RPC_EXECUTOR_ENABLED: 'false' }, 'json-rpc listening');
    const rpc = await rpcClient(rpcProc.info.port as number);

    note(`signing ${(SENDERS + WARMUP_SENDERS) * NONCES} transfers`);
    const warmup = signTransfers(keys.slice(SENDERS), NONCES);
    const txs = signTransfers(keys.slice(0, SENDERS), NONCES);
    const send = (raws: string[]) => async (i: number) => {
      const res = await rpc('eth_sendRawTransaction', [raws[i]]);
      if (typeof res.result !== 'string') throw new Error(`tx ${i} not accepted: ${res.error?.message}`);
    };
    await drive(warmup.length, send(warmup));
    // Where the CPU goes per admitted transaction (the machine's 2 cores are shared by all of these).
    const watched: [string, number | undefined][] = [['rpc', rpcProc.child.pid], ['pool', poolProc.child.pid], ['hashdb', hashdbProc.child.pid], ['redis', pidOf('redis-server')], ['nats', pidOf('nats-server')]];
    const cpuBefore = watched.map(([, pid]) => (pid ? cpuSeconds(pid) : 0));
    const clientBefore = process.cpuUsage();
    const { latencies, seconds } = await drive(txs.length, send(txs));
    const client = process.cpuUsage(clientBefore);
    const perTx = watched.map(([name, pid], i) => `${name} ${(((pid ? cpuSeconds(pid) : 0) - cpuBefore[i]) * 1e6 / txs.length).toFixed(0)}`);
    note(`CPU µs per tx: ${perTx.join(', ')}, client ${((client.user + client.system) / txs.length).toFixed(0)}`);
    const counts = await new PoolDb(redis, { prefix: `${ns}:pool:` }).counts();
    if (counts.pending !== warmup.length + txs.length) throw new Error(`pool holds ${counts.pending} pending txs, expected ${warmup.length + txs.length}`);
    note(`${txs.length} transactions accepted in ${seconds.toFixed(2)} s (${IN_FLIGHT} in flight)`);
    report('rpc.send_raw_tx_per_s', txs.length / seconds, 'tx/s');
    report('rpc.send_raw_tx_p50_ms', percentile(latencies, 50), 'ms');
    report('rpc.send_raw_tx_p99_ms', percentile(latencies, 99), 'ms');
    // The path's own latency: one request at a time (the warm-up senders' next nonces).
    const single = signTransfers(keys.slice(SENDERS), 2, NONCES);
    const alone = await drive(single.length, send(single), 1);
    report('rpc.send_raw_tx_single_p50_ms', percentile(alone.latencies, 50), 'ms');
    report('rpc.send_raw_tx_single_p99_ms', percentile(alone.latencies, 99), 'ms');

    await forSeconds(1, async (i) => void (await rpc('eth_getBalance', [addresses[i % addresses.length], 'latest'])));
    report(
      'rpc.get_balance_per_s',
      await forSeconds(READ_SECONDS, async (i) => {
        const res = await rpc('eth_getBalance', [addresses[i % addresses.length], 'latest']);
        if (res.result !== '0x56bc75e2d63100000') throw new Error(`unexpected balance ${JSON.stringify(res)}`);
      }),
      'req/s',
    );
    report(
      'rpc.block_number_per_s',
      await forSeconds(READ_SECONDS, async () => {
        const res = await rpc('eth_blockNumber', []);
        if (res.result !== '0x0') throw new Error(`unexpected block number ${JSON.stringify(res)}`);
      }),
      'req/s',
    );
  } finally {
    for (const s of sockets) s.destroy();
    for (const c of children.reverse()) {
      c.removeAllListeners('exit');
      c.kill('SIGTERM');
      await new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)));
    }
    const found = await redis.keys(`${ns}:*`);
    for (let i = 0; i < found.length; i += 1000) await redis.del(...found.slice(i, i + 1000));
    redis.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
});
