/**
 * Confirmation latency and throughput of eth-tx-manager as a real process against a local hardhat
 * L1 (automine, 1 confirmation), NATS and Redis: request published → result received.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { devAccount, startL1Node } from '@zkseq/contracts';
import { L1TxClient, connectNats, deleteStreams, ensureStreams } from '@zkseq/messaging';
import { note, percentile, report } from '@zkseq/bench';

const SEQUENTIAL = 30;
const CONCURRENT = 60;

async function main(): Promise<void> {
  const node = await startL1Node({ blockTimeMs: 0 });
  const ns = `bench${randomBytes(4).toString('hex')}`;
  const prefix = `bench:${ns}:l1tx:`;
  const nc = await connectNats({ url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'ethtxman-bench' });
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  await ensureStreams(nc, ns, { storage: 'memory' });
  const child = spawn(process.execPath, [join(__dirname, 'main.js')], {
    env: {
      ...process.env, NATS_NAMESPACE: ns, NATS_STREAM_STORAGE: 'memory', ETHTXMAN_REDIS_PREFIX: prefix, L1_RPC_URL: node.url,
      ETHTXMAN_PRIVATE_KEY: devAccount(3).privateKey, ETHTXMAN_CONFIRMATIONS: '1', ETHTXMAN_POLL_MS: '100', METRICS_PORT: '0', LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const client = new L1TxClient(nc, ns, 'bench');
    const to = devAccount(9).address as `0x${string}`;
    const send = async (id: string) => {
      const since = new Date(Date.now() - 1000);
      const t0 = performance.now();
      await client.submit({ id, to, data: '0x', value: '1' });
      const r = await client.waitForResult(id, { timeoutMs: 60_000, since });
      if (r.status !== 'confirmed') throw new Error(`${id}: ${r.error?.message}`);
      return performance.now() - t0;
    };
    await send('warm-up');
    const samples: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) samples.push(await send(`seq-${i}`));
    note(`${SEQUENTIAL} sequential requests, automine, ETHTXMAN_CONFIRMATIONS=1, ETHTXMAN_POLL_MS=100`);
    report('ethtxman.confirmation_latency_p50_ms', percentile(samples, 50), 'ms');
    report('ethtxman.confirmation_latency_p99_ms', percentile(samples, 99), 'ms');

    const t0 = performance.now();
    await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => send(`par-${i}`)));
    report(`ethtxman.throughput_${CONCURRENT}_concurrent_per_s`, CONCURRENT / ((performance.now() - t0) / 1000), 'tx/s');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await deleteStreams(nc, ns);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await nc.close();
    await node.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
