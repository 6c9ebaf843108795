// Test harness for the pool and rpc tests: real service processes (hashdb, executor, pool, rpc and,
// where transactions must reach blocks, the sequencer) on a random NATS namespace and Redis
// prefixes. Without a sequencer the harness writes the genesis into the hashdb and the StateDB
// itself; with one, the sequencer does, from a genesis file, as in a deployment.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import type { NatsConnection } from 'nats';
import { fromHex, keccak256, privateKeyToAddress, toHex } from '@zkseq/batch';
import { writeGenesisFile } from '@zkseq/genesis';
import { ExecutorClient, HashDbClient } from '@zkseq/grpc';
import { connectNats, subjects } from '@zkseq/messaging';
import { PoolDb } from '@zkseq/pooldb';
import { h4ToHex, type GenesisAccount } from '@zkseq/smt';
import { StateDb, type Hex, type StoredBlock } from '@zkseq/statedb';
import { waitFor } from './harness/processes';
import { startHashDb, type HashDbProcess } from './hashdb-process';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const CHAIN_ID = 1001;
export const GWEI = 1_000_000_000n;
export const COINBASE: Hex = '0x00000000000000000000000000000000c01bba5e';
export const GENESIS_TIMESTAMP = 1_700_000_000;

export type ServiceProcess = { child: ChildProcess; logs: string[]; info: Record<string, unknown>; exited: Promise<number | null>; stop(): Promise<void> };

/** Starts `services/<name>/dist/main.js` and resolves at its log line `readyMsg` (the line's fields in `info`). */
export function startService(name: string, env: Record<string, string>, readyMsg: string): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [join(__dirname, `../services/${name}/dist/main.js`)], {
    env: { ...process.env, METRICS_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (msg.msg === readyMsg) resolve({ child, logs, info: msg, exited, stop });
    });
    void exited.then((code) => reject(new Error(`${name} exited with ${code} before "${readyMsg}":\n${logs.join('\n')}`)));
  });
}

export type SequencerWiring = { ns: string; poolPrefix: string; statePrefix: string; executorAddress: string; hashdbAddress: string; genesisFile: string };

/** A test sequencer's environment: the test's namespace, prefixes, services and genesis file; `env` adds or overrides. */
export function sequencerEnv(w: SequencerWiring, env: Record<string, string> = {}): Record<string, string> {
  return {
    NATS_URL, NATS_NAMESPACE: w.ns, NATS_STREAM_STORAGE: 'memory', L2_CHAIN_ID: String(CHAIN_ID), POOL_REDIS_URL: REDIS_URL, POOL_REDIS_PREFIX: w.poolPrefix,
    STATE_REDIS_URL: REDIS_URL, STATE_REDIS_PREFIX: w.statePrefix, EXECUTOR_URL: w.executorAddress, HASHDB_URL: w.hashdbAddress,
    SEQUENCER_GENESIS_FILE: w.genesisFile, SEQUENCER_COINBASE: COINBASE, SEQUENCER_LEASE_KEY: `${w.ns}:lease:sequencer`, SEQUENCER_IDLE_POLL_MS: '100', ...env,
  };
}

export type Account = { key: Uint8Array; address: Hex };

export function newAccount(): Account {
  const key = randomBytes(32);
  return { key, address: toHex(privateKeyToAddress(key)) as Hex };
}

export type StackOptions = {
  genesis: GenesisAccount[];
  /** Which services to run besides the hashdb. */
  executor?: boolean;
  /** The real sequencer: one L2 block per pooled transaction, in batch 1 (its timeout is long); needs `executor`. */
  sequencer?: boolean;
  pool?: boolean | number;
  rpc?: boolean;
  poolEnv?: Record<string, string>;
  rpcEnv?: Record<string, string>;
};

/** One isolated deployment of the services under test. */
export class Stack {
  readonly ns = `t${randomBytes(5).toString('hex')}`;
  readonly poolPrefix = `${this.ns}:pool:`;
  readonly statePrefix = `${this.ns}:state:`;
  readonly redis = new Redis(REDIS_URL);
  readonly state = new StateDb(this.redis, { prefix: this.statePrefix });
  readonly pool = new PoolDb(this.redis, { prefix: this.poolPrefix });
  readonly subjects = subjects(this.ns);
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'zkseq-rpc-test-'));
  hashdbProc!: HashDbProcess;
  hashdb!: HashDbClient;
  executorProc?: ServiceProcess;
  executor?: ExecutorClient;
  sequencerProc?: ServiceProcess;
  pools: ServiceProcess[] = [];
  rpcProc?: ServiceProcess;
  nc!: NatsConnection;
  genesisRoot!: Hex;
  rpcUrl = '';
  wsUrl = '';

  async start(opts: StackOptions): Promise<this> {
    this.nc = await connectNats({ url: NATS_URL, name: 'test' });
    this.hashdbProc = await startHashDb({ HASHDB_DATA_DIR: join(this.dataDir, 'hashdb') });
    this.hashdb = new HashDbClient({ address: this.hashdbProc.grpcAddress });
    if (!opts.sequencer) {
      this.genesisRoot = h4ToHex(await this.hashdb.loadGenesis(opts.genesis)) as Hex;
      await this.state.initGenesis({ stateRoot: this.genesisRoot, timestamp: GENESIS_TIMESTAMP, coinbase: COINBASE, block: genesisBlock(this.genesisRoot) });
    }
    const common = {
      NATS_URL, NATS_NAMESPACE: this.ns, L2_CHAIN_ID: String(CHAIN_ID), HASHDB_URL: this.hashdbProc.grpcAddress,
      POOL_REDIS_URL: REDIS_URL, POOL_REDIS_PREFIX: this.poolPrefix, STATE_REDIS_URL: REDIS_URL, STATE_REDIS_PREFIX: this.statePrefix,
    };
    if (opts.executor) {
      this.executorProc = await startService('executor', { HASHDB_URL: this.hashdbProc.grpcAddress, EXECUTOR_GRPC_PORT: '0' }, 'executor listening');
      this.executor = new ExecutorClient({ address: `127.0.0.1:${this.executorProc.info.port as number}` });
    }
    if (opts.sequencer) {
      if (!this.executorProc) throw new Error('the sequencer needs the executor');
      const genesisFile = join(this.dataDir, 'genesis.json');
      writeGenesisFile(genesisFile, { chainId: CHAIN_ID, timestamp: GENESIS_TIMESTAMP, accounts: opts.genesis });
      const wiring = { ns: this.ns, poolPrefix: this.poolPrefix, statePrefix: this.statePrefix, executorAddress: `127.0.0.1:${this.executorProc.info.port as number}`, hashdbAddress: this.hashdbProc.grpcAddress, genesisFile };
      const proc = await startService('sequencer', sequencerEnv(wiring, { SEQUENCER_BATCH_TIMEOUT_MS: '600000' }), 'sequencer started');
      this.sequencerProc = proc;
      await waitFor(async () => {
        if (proc.child.exitCode !== null) throw new Error(`the sequencer exited:\n${proc.logs.join('\n')}`);
        return proc.logs.some((l) => l.includes('"sequencer state rebuilt from the StateDB"')) || undefined;
      }, 'the sequencer to lead', 60_000, 20);
      this.genesisRoot = (await this.state.getBatch(0))!.stateRoot;
    }
    const executorEnv = this.executorProc ? { EXECUTOR_URL: `127.0.0.1:${this.executorProc.info.port as number}` } : { RPC_EXECUTOR_ENABLED: 'false' };
    const pools = opts.pool === true ? 1 : opts.pool || 0;
    for (let i = 0; i < pools; i++) this.pools.push(await startService('pool', { ...common, ...executorEnv, ...opts.poolEnv }, 'pool accepting submissions'));
    if (opts.rpc) {
      this.rpcProc = await startService('rpc', { ...common, ...executorEnv, RPC_PORT: '0', ...opts.rpcEnv }, 'json-rpc listening');
      const port = this.rpcProc.info.port as number;
      this.rpcUrl = `http://127.0.0.1:${port}`;
      this.wsUrl = `ws://127.0.0.1:${port}`;
    }
    return this;
  }

  /** Every key of this stack's pool DB with its content (for "nothing written" checks). */
  async poolSnapshot(): Promise<string> {
    const keys = (await this.redis.keys(`${this.poolPrefix}*`)).sort();
    const out: string[] = [];
    for (const k of keys) {
      const type = await this.redis.type(k);
      const content = type === 'hash' ? Object.entries(await this.redis.hgetall(k)).sort() : type === 'zset' ? await this.redis.zrange(k, 0, -1, 'WITHSCORES') : await this.redis.smembers(k);
      out.push(`${k} ${JSON.stringify(content)}`);
    }
    return out.join('\n');
  }

  async rpc(method: string, params: unknown[] = []): Promise<{ result?: unknown; error?: { code: number; message: string; data?: unknown } }> {
    const res = await fetch(this.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    return (await res.json()) as { result?: unknown; error?: { code: number; message: string } };
  }

  /** SIGSTOP / SIGCONT: holds the sequencer where it is, so pooled transactions stay pending. */
  pauseSequencer(): void {
    process.kill(this.sequencerProc!.child.pid!, 'SIGSTOP');
  }

  resumeSequencer(): void {
    process.kill(this.sequencerProc!.child.pid!, 'SIGCONT');
  }

  async stop(): Promise<void> {
    await this.rpcProc?.stop();
    for (const p of this.pools) await p.stop();
    if (this.sequencerProc?.child.exitCode === null) this.resumeSequencer(); // a paused process would not see SIGTERM
    await this.sequencerProc?.stop();
    await this.executorProc?.stop();
    this.executor?.close();
    this.hashdb?.close();
    if (this.hashdbProc) {
      this.hashdbProc.child.kill('SIGTERM');
      await this.hashdbProc.exited;
    }
    await this.nc?.drain();
    const keys = await this.redis.keys(`${this.ns}:*`);
    if (keys.length) await this.redis.del(...keys);
    this.redis.disconnect();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

const ZERO32: Hex = `0x${'0'.repeat(64)}`;
const ZERO_BLOOM: Hex = `0x${'0'.repeat(512)}`;

function genesisBlock(root: Hex): StoredBlock {
  return {
    number: 0, hash: toHex(keccak256(fromHex(root))) as Hex, parentHash: ZERO32, stateRoot: root, transactionsRoot: ZERO32, receiptsRoot: ZERO32,
    logsBloom: ZERO_BLOOM, miner: COINBASE, gasLimit: '0x1c9c380', gasUsed: '0x0', timestamp: GENESIS_TIMESTAMP, extraData: '0x', size: 0, batchNumber: 0, transactions: [],
  };
}
