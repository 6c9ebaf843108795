// Test harness for the pool and rpc tests: real service processes (hashdb, executor, pool, rpc)
// on a random NATS namespace and Redis prefixes, a genesis in the hashdb and the StateDB, and a
// stand-in for the sequencer that turns pooled transactions into L2 blocks through the real
// executor and libs/statedb. The stand-in is test code only: it exists until services/sequencer
// lands, and the tests using it should then run the real sequencer instead.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import type { NatsConnection, Subscription } from 'nats';
import { decodeEthRawTx, fromHex, keccak256, privateKeyToAddress, toHex } from '@zkseq/batch';
import { ExecutorClient, HashDbClient } from '@zkseq/grpc';
import { connectNats, encode, subjects, type L2BlockAnnounced } from '@zkseq/messaging';
import { PoolDb, type PoolTx } from '@zkseq/pooldb';
import { h4ToHex, hexToH4, type GenesisAccount } from '@zkseq/smt';
import { StateDb, type Hex, type StoredBlock, type StoredTx } from '@zkseq/statedb';
import { startHashDb, type HashDbProcess } from './hashdb-process';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const CHAIN_ID = 1001;
export const GWEI = 1_000_000_000n;
export const COINBASE: Hex = '0x00000000000000000000000000000000c01bba5e';

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

export type Account = { key: Uint8Array; address: Hex };

export function newAccount(): Account {
  const key = randomBytes(32);
  return { key, address: toHex(privateKeyToAddress(key)) as Hex };
}

export type StackOptions = {
  genesis: GenesisAccount[];
  /** Which services to run besides the hashdb. */
  executor?: boolean;
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
  pools: ServiceProcess[] = [];
  rpcProc?: ServiceProcess;
  nc!: NatsConnection;
  genesisRoot!: Hex;
  rpcUrl = '';
  wsUrl = '';

  async start(opts: StackOptions): Promise<this> {
    this.nc = await connectNats({ url: NATS_URL, name: 'test' });
    this.hashdbProc = await startHashDb({ HASHDB_DATA_DIR: this.dataDir });
    this.hashdb = new HashDbClient({ address: this.hashdbProc.grpcAddress });
    this.genesisRoot = h4ToHex(await this.hashdb.loadGenesis(opts.genesis)) as Hex;
    await this.state.initGenesis({ stateRoot: this.genesisRoot, timestamp: 1_700_000_000, coinbase: COINBASE, block: genesisBlock(this.genesisRoot) });
    const common = {
      NATS_URL, NATS_NAMESPACE: this.ns, L2_CHAIN_ID: String(CHAIN_ID), HASHDB_URL: this.hashdbProc.grpcAddress,
      POOL_REDIS_URL: REDIS_URL, POOL_REDIS_PREFIX: this.poolPrefix, STATE_REDIS_URL: REDIS_URL, STATE_REDIS_PREFIX: this.statePrefix,
    };
    if (opts.executor) {
      this.executorProc = await startService('executor', { HASHDB_URL: this.hashdbProc.grpcAddress, EXECUTOR_GRPC_PORT: '0' }, 'executor listening');
      this.executor = new ExecutorClient({ address: `127.0.0.1:${this.executorProc.info.port as number}` });
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

  async stop(): Promise<void> {
    await this.rpcProc?.stop();
    for (const p of this.pools) await p.stop();
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
    logsBloom: ZERO_BLOOM, miner: COINBASE, gasLimit: '0x1c9c380', gasUsed: '0x0', timestamp: 1_700_000_000, extraData: '0x', size: 0, batchNumber: 0, transactions: [],
  };
}

const q = (n: bigint | number): Hex => `0x${n.toString(16)}`;

/**
 * TEST HARNESS standing in for services/sequencer: executes pending pool transactions one per
 * L2 block on the real executor, writes blocks, transactions and receipts through libs/statedb
 * into one open batch, marks them selected (or failed) in the pool DB and announces `l2.block`.
 * No batch closure, no leases, no recovery: replace with the real sequencer once it exists.
 */
export class SequencerStandIn {
  private opened = false;
  private running: Promise<void> = Promise.resolve();
  private sub?: Subscription;

  constructor(private readonly stack: Stack) {}

  /** Mines whenever the pool announces a transaction. */
  follow(): void {
    this.sub = this.stack.nc.subscribe(this.stack.subjects.poolTxAdded, { callback: () => void this.mine() });
  }

  stopFollowing(): void {
    this.sub?.unsubscribe();
  }

  /** Turns every executable pool transaction into a block; resolves when done. */
  mine(): Promise<void> {
    this.running = this.running.then(() => this.mineNow());
    return this.running;
  }

  private async mineNow(): Promise<void> {
    const s = this.stack;
    if (!this.opened) {
      await s.state.openBatch({ number: 1, coinbase: COINBASE, timestamp: 1_700_000_100, globalExitRoot: ZERO32, stateRoot: s.genesisRoot, localExitRoot: ZERO32 });
      this.opened = true;
    }
    for (;;) {
      const [tx] = await s.pool.readyCandidates(1, 1);
      if (!tx) return;
      await this.include(tx);
    }
  }

  private async include(p: PoolTx): Promise<void> {
    const s = this.stack;
    const prev = (await s.state.getLatestBlock())!;
    const res = await s.executor!.processBatch({
      oldStateRoot: hexToH4(prev.stateRoot), oldAccInputHash: new Uint8Array(32), oldBatchNum: 0n, chainId: BigInt(CHAIN_ID), forkId: 6,
      batchL2Data: fromHex(p.l2Data), globalExitRoot: new Uint8Array(32), timestamp: 1_700_000_100n, coinbase: COINBASE, updateMerkleTree: true,
    });
    const r = res.responses[0];
    if (!r || r.stateRoot === undefined || (r.error >= 19 && r.error <= 26)) {
      await s.pool.markFailed(p.hash, `executor error ${r?.error ?? res.errorRom}`);
      return;
    }
    const { tx, sig } = decodeEthRawTx(fromHex(p.raw));
    const number = prev.number + 1;
    const stateRoot = h4ToHex(r.stateRoot) as Hex;
    const hash = toHex(keccak256(fromHex(`${stateRoot}${p.hash.slice(2)}${number.toString(16).padStart(16, '0')}`))) as Hex;
    const logs = r.logs.map((l) => ({ address: l.address.toLowerCase() as Hex, topics: l.topics.map((t) => toHex(t) as Hex), data: toHex(l.data) as Hex, logIndex: l.index }));
    const block: StoredBlock = {
      number, hash, parentHash: prev.hash, stateRoot, transactionsRoot: ZERO32, receiptsRoot: ZERO32, logsBloom: ZERO_BLOOM, miner: COINBASE,
      gasLimit: '0x1c9c380', gasUsed: q(r.gasUsed), timestamp: 1_700_000_100, extraData: '0x', size: p.size, batchNumber: 1, transactions: [p.hash],
    };
    const stored: StoredTx = {
      hash: p.hash, from: p.from, to: p.to, nonce: q(p.nonce), gasPrice: q(p.gasPrice), gas: q(p.gasLimit), value: q(p.value),
      input: toHex(tx.data) as Hex, v: q(tx.chainId === null ? BigInt(sig.v) : BigInt(sig.v - 27) + 35n + 2n * tx.chainId), r: q(sig.r), s: q(sig.s),
      chainId: tx.chainId === null ? null : q(tx.chainId), raw: p.raw, effectivePercentage: 255, blockNumber: number, blockHash: hash, batchNumber: 1,
      receipt: {
        status: r.error === 1 ? 1 : 0, gasUsed: q(r.gasUsed), cumulativeGasUsed: q(r.gasUsed), contractAddress: r.createAddress ? (r.createAddress.toLowerCase() as Hex) : null,
        logs, logsBloom: ZERO_BLOOM, effectiveGasPrice: q(r.effectiveGasPrice), romError: r.error === 1 ? null : String(r.error),
      },
    };
    await s.state.appendBlock(1, block, stored, p.l2Data, { stateRoot, localExitRoot: ZERO32, resources: { gasUsed: Number(r.gasUsed), bytes: p.size, txCount: number, counters: {} } });
    await s.pool.markSelected(p.hash);
    const announced: L2BlockAnnounced = { number, hash, parentHash: prev.hash, stateRoot, timestamp: block.timestamp, batchNumber: 1, txHash: p.hash };
    s.nc.publish(s.subjects.l2Block, encode(announced));
  }
}
