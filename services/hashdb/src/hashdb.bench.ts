// `pnpm bench hashdb`: the built service (dist/main.js) in its own process, driven over gRPC by
// HashDbClient: ApplySteps with a transfer-sized change set (6 leaves) and GetLeaves of 6 keys,
// one call in flight, with latency percentiles; then the resident memory of a hashdb serving the
// 1M-leaf tree of the smt benchmark (built under .bench/ when missing).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { note, percentile, report } from '@zkseq/bench';
import { HashDbClient } from '@zkseq/grpc';
import { benchTreeKeys, openBenchTree, prng, randomKey, type H4, type LeafChange } from '@zkseq/smt';

const repo = join(__dirname, '../../..');

function startService(dataDir: string): Promise<{ child: ChildProcess; address: string }> {
  const child = spawn(process.execPath, [join(__dirname, 'main.js')], {
    env: { ...process.env, HASHDB_DATA_DIR: dataDir, HASHDB_GRPC_PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`hashdb exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as { msg: string; port?: number };
      if (msg.msg === 'grpc listening') resolve({ child, address: `127.0.0.1:${msg.port}` });
    });
  });
}

async function timed(seconds: number, fn: () => Promise<unknown>): Promise<{ rate: number; p50: number; p99: number }> {
  for (let i = 0; i < 50; i++) await fn();
  const lat: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    const s = performance.now();
    await fn();
    lat.push(performance.now() - s);
  }
  return { rate: lat.length / ((performance.now() - t0) / 1000), p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

async function main() {
  const next = prng(42);
  const dir = mkdtempSync(join(tmpdir(), 'hashdb-bench-'));
  const svc = await startService(dir);
  const client = new HashDbClient({ address: svc.address });
  try {
    // A state of 100k accounts, then transfers: sender balance + nonce, receiver balance, coinbase, system slot 0, root slot.
    const accounts = Array.from({ length: 100_000 }, () => randomKey(next));
    let root: H4 = [0n, 0n, 0n, 0n];
    for (let i = 0; i < accounts.length; i += 20_000) root = await client.apply(root, accounts.slice(i, i + 20_000).map((key) => ({ key, value: 10n ** 18n })));
    const transfer = (): LeafChange[] => Array.from({ length: 6 }, () => ({ key: accounts[next() % accounts.length], value: BigInt(next()) + 1n }));
    const apply = await timed(5, async () => {
      root = await client.apply(root, transfer());
    });
    report('hashdb.apply_per_s', apply.rate, 'calls/s');
    report('hashdb.apply_p50_ms', apply.p50, 'ms');
    report('hashdb.apply_p99_ms', apply.p99, 'ms');
    const read = await timed(5, () => client.getLeaves(root, transfer().map((c) => c.key)));
    report('hashdb.read_per_s', read.rate, 'calls/s');
    report('hashdb.read_p50_ms', read.p50, 'ms');
    report('hashdb.read_p99_ms', read.p99, 'ms');
  } finally {
    client.close();
    svc.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }

  // Resident memory with 1M leaves: the service on the smt benchmark's tree, after reading and updating across it.
  const treeDir = join(repo, '.bench/smt-1m');
  const { db, root } = await openBenchTree(treeDir, 1_000_000, {}, note);
  await db.close();
  const big = await startService(treeDir);
  const bigClient = new HashDbClient({ address: big.address });
  try {
    const keys = benchTreeKeys(1_000_000, 50_000);
    for (let i = 0; i < keys.length; i += 1000) await bigClient.getLeaves(root, keys.slice(i, i + 1000));
    for (let i = 0; i < 20; i++) await bigClient.apply(root, keys.slice(i * 1000, i * 1000 + 1000).map((key) => ({ key, value: BigInt(next()) + 1n })), { persist: false });
    report('hashdb.rss_mb.1m', rssMb(big.child.pid!), 'MiB');
  } finally {
    bigClient.close();
    big.child.kill('SIGTERM');
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
