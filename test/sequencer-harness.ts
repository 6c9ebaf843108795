// Harness of the sequencer tests: real hashdb, executor and sequencer processes (built dist/main.js)
// on a random NATS namespace, Redis prefixes and a temp dir; transactions enter through libs/pooldb.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { encodeBatchTx, ethRawTx, fromHex, intrinsicGas, keccak256, privateKeyToAddress, signTx, toHex, type TxFields } from '@zkseq/batch';
import { writeGenesisFile } from '@zkseq/genesis';
import { ExecutorClient, HashDbClient } from '@zkseq/grpc';
import { connectNats, deleteStreams, subjects } from '@zkseq/messaging';
import { PoolDb, type Hex, type NewPoolTx, type PoolTx } from '@zkseq/pooldb';
import { h4ToHex, hexToH4, type GenesisAccount } from '@zkseq/smt';
import { StateDb, type Batch, type StoredBlock } from '@zkseq/statedb';
import type { NatsConnection } from 'nats';
import { startHashDb, type HashDbProcess } from './hashdb-process';
import { GENESIS_TIMESTAMP, sequencerEnv, startService, type ServiceProcess } from './rpc-harness';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const CHAIN_ID = 1001;
export const GWEI = 1_000_000_000n;
export const COINBASE: Hex = '0x00000000000000000000000000000000c01bba5e';
export const ZERO_HASH: Hex = `0x${'0'.repeat(64)}`;

export type Account = { key: Uint8Array; address: Hex };

export function account(seed: string): Account {
  const key = keccak256(Buffer.from(seed));
  return { key, address: toHex(privateKeyToAddress(key)) as Hex };
}

/** Runtime code: loops calldata[0..32] times over KECCAK256 of 32 bytes (about one keccak-f each). */
export const KECCAK_LOOP_CODE = fromHex('0x6000355b80156018576020600020600052600190036003565b00');
/** Runtime code: MSTORE(calldata[0..32], 1): a memory expansion that costs much gas and few counters. */
export const MEMORY_BURN_CODE = fromHex('0x60016000355200');

export const word = (n: bigint | number) => fromHex(`0x${BigInt(n).toString(16).padStart(64, '0')}`);

/** A signed legacy tx as the pool admits it. */
export function poolTx(from: Account, f: Partial<TxFields> & { nonce: bigint }, receivedAt = Date.now()): NewPoolTx {
  const fields: TxFields = { gasPrice: GWEI, gasLimit: 21_000n, to: new Uint8Array(20).fill(0x77), value: 1n, data: new Uint8Array(0), chainId: BigInt(CHAIN_ID), ...f };
  const sig = signTx(fields, from.key);
  const raw = ethRawTx(fields, sig);
  return {
    hash: toHex(keccak256(raw)) as Hex, from: from.address, to: fields.to ? (toHex(fields.to) as Hex) : null, nonce: Number(fields.nonce), gasPrice: fields.gasPrice,
    gasLimit: Number(fields.gasLimit), value: fields.value, chainId: CHAIN_ID, raw: toHex(raw) as Hex, l2Data: toHex(encodeBatchTx(fields, sig)) as Hex, size: raw.length,
    dataSize: fields.data.length, intrinsicGas: Number(intrinsicGas(fields.data, fields.to === null)), receivedAt,
  };
}

/** Polls until `fn` gives a truthy value (jest's per-test timeout bounds the wait). */
export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, intervalMs = 50): Promise<T> {
  for (;;) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export type StackOptions = { genesis: GenesisAccount[] };

/** One isolated deployment: hashdb, executor and any number of sequencer processes. */
export class SequencerStack {
  readonly ns = `t${randomBytes(5).toString('hex')}`;
  readonly poolPrefix = `${this.ns}:pool:`;
  readonly statePrefix = `${this.ns}:state:`;
  readonly leaseKey = `${this.ns}:lease:sequencer`;
  readonly redis = new Redis(REDIS_URL);
  readonly state = new StateDb(this.redis, { prefix: this.statePrefix });
  readonly pool = new PoolDb(this.redis, { prefix: this.poolPrefix, limits: { accountPending: 64, globalPending: 20_000 } });
  readonly subjects = subjects(this.ns);
  readonly dir = mkdtempSync(join(tmpdir(), 'zkseq-seq-test-'));
  readonly genesisFile = join(this.dir, 'genesis.json');
  hashdbProc!: HashDbProcess;
  hashdb!: HashDbClient;
  executorProc!: ServiceProcess;
  executor!: ExecutorClient;
  executorAddress = '';
  nc!: NatsConnection;
  readonly sequencers: ServiceProcess[] = [];

  async start(opts: StackOptions): Promise<this> {
    this.nc = await connectNats({ url: NATS_URL, name: 'sequencer-test' });
    writeGenesisFile(this.genesisFile, { chainId: CHAIN_ID, timestamp: GENESIS_TIMESTAMP, accounts: opts.genesis });
    this.hashdbProc = await startHashDb({ HASHDB_DATA_DIR: join(this.dir, 'hashdb') });
    this.hashdb = new HashDbClient({ address: this.hashdbProc.grpcAddress });
    await this.startExecutor();
    return this;
  }

  async startExecutor(): Promise<void> {
    this.executorProc = await startService('executor', { HASHDB_URL: this.hashdbProc.grpcAddress, EXECUTOR_GRPC_PORT: '0' }, 'executor listening');
    this.executorAddress = `127.0.0.1:${this.executorProc.info.port as number}`;
    this.executor = new ExecutorClient({ address: this.executorAddress, policy: { deadlineMs: 60_000 } });
  }

  sequencerEnv(env: Record<string, string> = {}): Record<string, string> {
    const wiring = { ns: this.ns, poolPrefix: this.poolPrefix, statePrefix: this.statePrefix, executorAddress: this.executorAddress, hashdbAddress: this.hashdbProc.grpcAddress, genesisFile: this.genesisFile };
    return sequencerEnv(wiring, { SEQUENCER_LEASE_TTL_MS: '1000', SEQUENCER_BATCH_TIMEOUT_MS: '60000', ...env });
  }

  async startSequencer(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const p = await startService('sequencer', this.sequencerEnv(env), 'sequencer started');
    this.sequencers.push(p);
    return p;
  }

  /** Resolves once `p` holds the lease and has rebuilt its state from the StateDB (the `n`-th time). */
  async leading(p: ServiceProcess, n = 1): Promise<void> {
    await waitFor(async () => p.logs.filter((l) => l.includes('"sequencer state rebuilt from the StateDB"')).length >= n);
  }

  async add(tx: NewPoolTx, stateNonce = 0): Promise<NewPoolTx> {
    const res = await this.pool.add(tx, stateNonce);
    if (!res.ok) throw new Error(`pool refused ${tx.hash}: ${JSON.stringify(res.rejection)}`);
    return tx;
  }

  async poolStatus(hash: string): Promise<PoolTx | null> {
    return this.pool.get(hash);
  }

  async batch(n: number): Promise<Batch | null> {
    return this.state.getBatch(n);
  }

  /** The first closed batch at or after `from` whose closing reason matches. */
  async closedBatch(from: number, reason: string | RegExp): Promise<Batch> {
    for (let n = from; ; n++) {
      const b = await waitFor(async () => {
        const got = await this.state.getBatch(n);
        return got && got.status !== 'open' ? got : null;
      });
      if (typeof reason === 'string' ? b.closingReason === reason : reason.test(b.closingReason ?? '')) return b;
    }
  }

  async waitTxIncluded(hash: string) {
    return waitFor(() => this.state.getTx(hash));
  }

  async blocks(from: number, to: number): Promise<StoredBlock[]> {
    const out: StoredBlock[] = [];
    for (let n = from; n <= to; n++) out.push((await this.state.getBlock(n))!);
    return out;
  }

  /**
   * Checks the whole chain: block numbers, parent hashes and one tx per block; every batch's
   * blocks match its tx list; executing every closed batch's data again from the genesis root,
   * batch by batch, gives each batch's stored root; returns all tx hashes in block order.
   */
  async verifyChain(): Promise<{ txs: Hex[]; lastRoot: Hex }> {
    const heads = (await this.state.getHeads())!;
    const blocks = await this.blocks(0, heads.lastBlock);
    const txs: Hex[] = [];
    for (let i = 1; i < blocks.length; i++) {
      expect(blocks[i].number).toBe(i);
      expect(blocks[i].parentHash).toBe(blocks[i - 1].hash);
      expect(blocks[i].transactions).toHaveLength(1);
      txs.push(blocks[i].transactions[0]);
    }
    const batches = await this.state.getBatches(0, heads.lastBatch);
    let root = hexToH4(batches[0].stateRoot);
    let acc = batches[0].accInputHash!;
    let blockNo = 0;
    for (const b of batches.slice(1)) {
      const res = await this.executor.processBatch({
        oldStateRoot: root, oldAccInputHash: fromHex(acc), oldBatchNum: BigInt(b.number - 1), chainId: BigInt(CHAIN_ID), forkId: 6, batchL2Data: fromHex(b.batchL2Data),
        globalExitRoot: fromHex(b.globalExitRoot), timestamp: BigInt(b.timestamp), coinbase: b.coinbase, updateMerkleTree: false, noCounters: true,
      });
      expect(h4ToHex(res.newStateRoot)).toBe(b.stateRoot);
      const hashes = await this.state.getBatchTxHashes(b.number);
      expect(res.responses.filter((r) => r.included).map((r) => toHex(r.txHash))).toEqual(hashes);
      for (const h of hashes) expect(blocks[++blockNo].transactions[0]).toBe(h);
      if (b.status !== 'open') {
        expect(b.accInputHash).toBe(toHex(res.newAccInputHash));
        acc = b.accInputHash!;
      }
      root = res.newStateRoot;
    }
    expect(blockNo).toBe(heads.lastBlock);
    expect(new Set(txs).size).toBe(txs.length);
    return { txs, lastRoot: h4ToHex(root) as Hex };
  }

  async stop(): Promise<void> {
    for (const s of this.sequencers) await s.stop();
    await this.executorProc?.stop();
    this.executor?.close();
    this.hashdb?.close();
    if (this.hashdbProc && this.hashdbProc.child.exitCode === null && this.hashdbProc.child.signalCode === null) {
      this.hashdbProc.child.kill('SIGTERM');
      await this.hashdbProc.exited;
    }
    if (this.nc) {
      await deleteStreams(this.nc, this.ns);
      await this.nc.drain();
    }
    const keys = await this.redis.keys(`${this.ns}:*`);
    if (keys.length) await this.redis.del(...keys);
    this.redis.disconnect();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
