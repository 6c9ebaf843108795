// Runs the built eth-tx-manager (services/eth-tx-manager/dist/main.js) as a real process against
// a hardhat node, NATS and Redis, each test isolated by a random NATS namespace and Redis prefix.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { NatsConnection } from 'nats';
import { connectNats, deleteStreams, L1TxClient, type L1TxResult } from '@zkseq/messaging';
import type { L1Node } from '@zkseq/contracts';

const MAIN = join(__dirname, '..', 'services', 'eth-tx-manager', 'dist', 'main.js');
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export type ManagerProcess = {
  child: ChildProcess;
  metricsPort: number;
  logs: Record<string, unknown>[];
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once its L1 account is bound (it then consumes requests). */
  ready: Promise<void>;
  /** Sum of the samples of `name` whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
};

/** A test's isolated world: namespace, Redis prefix, a client, and every process it started. */
export type World = {
  ns: string;
  prefix: string;
  nc: NatsConnection;
  redis: Redis;
  client: L1TxClient;
  env: Record<string, string>;
  procs: ManagerProcess[];
  start(extraEnv?: Record<string, string>): Promise<ManagerProcess>;
  /** Starts a process without waiting for it to be ready. */
  spawn(extraEnv?: Record<string, string>): ManagerProcess;
  /** Starts a process expected to kill itself (crash hooks); resolves once it has. */
  runUntilDeath(extraEnv: Record<string, string>): Promise<ManagerProcess>;
  result(id: string): Promise<L1TxResult>;
  attempts(id: string): Promise<{ hash: string; nonce: number; maxFeePerGas: string; maxPriorityFeePerGas: string }[]>;
  close(): Promise<void>;
};

export async function createWorld(node: L1Node, privateKey: string, env: Record<string, string> = {}): Promise<World> {
  const ns = `t${randomBytes(4).toString('hex')}`;
  const prefix = `test:${ns}:l1tx:`;
  const nc = await connectNats({ url: NATS_URL, name: 'eth-tx-manager-test' });
  const redis = new Redis(REDIS_URL);
  const client = new L1TxClient(nc, ns, 'tester');
  const baseEnv: Record<string, string> = {
    NATS_URL,
    NATS_NAMESPACE: ns,
    NATS_STREAM_STORAGE: 'memory',
    REDIS_URL,
    ETHTXMAN_REDIS_PREFIX: prefix,
    L1_RPC_URL: node.url,
    ETHTXMAN_PRIVATE_KEY: privateKey,
    ETHTXMAN_CONFIRMATIONS: '1',
    ETHTXMAN_POLL_MS: '100',
    ETHTXMAN_RESEND_AFTER_MS: '60000',
    LOG_LEVEL: 'debug',
    ...env,
  };
  const procs: ManagerProcess[] = [];
  const world: World = {
    ns,
    prefix,
    nc,
    redis,
    client,
    env: baseEnv,
    procs,
    start: async (extra = {}) => {
      const p = world.spawn(extra);
      await p.ready;
      return p;
    },
    spawn: (extra = {}) => {
      const p = startManager({ ...baseEnv, ...extra });
      procs.push(p);
      return p;
    },
    runUntilDeath: async (extra) => {
      const p = world.spawn(extra);
      await p.exited;
      return p;
    },
    result: (id) => client.waitForResult(id, { timeoutMs: 60_000 }),
    attempts: async (id) => (await redis.lrange(`${prefix}att:tester:${id}`, 0, -1)).map((s) => JSON.parse(s)),
    close: async () => {
      for (const p of procs) await p.stop();
      await deleteStreams(nc, ns);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await nc.close();
    },
  };
  return world;
}

function startManager(env: Record<string, string>): ManagerProcess {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env, METRICS_HOST: '127.0.0.1', METRICS_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let metricsPort = 0;
  let buf = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'ops endpoints listening') metricsPort = entry.metricsPort as number;
          if (entry.msg === 'L1 account ready') resolve();
        } catch {
          // not a log line
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    void exited.then(({ code, signal }) => reject(new Error(`eth-tx-manager exited (${code ?? signal}) before it was ready:\n${stderr}\n${logs.map((l) => JSON.stringify(l)).join('\n')}`)));
  });
  ready.catch(() => undefined);
  return {
    ready,
    child,
    get metricsPort() {
      return metricsPort;
    },
    logs,
    exited,
    metric: async (name, labels = {}) => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      let total = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
        const labelText = line[name.length] === '{' ? line.slice(name.length, line.lastIndexOf('}') + 1) : '';
        if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) total += Number(line.split(' ').pop());
      }
      return total;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `check` until it returns a value (not undefined), for events that have no message of their own. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
