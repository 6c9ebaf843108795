// The L1 side of sequencing for tests: a hardhat L1 with the real rollup deployed, a StateDB on a
// random Redis prefix, a random NATS namespace, and the eth-tx-manager, sequence-sender and
// synchronizer processes (L1Pipeline). SequencingWorld adds closed batches written straight through
// libs/statedb, as the sequencer would; the full stack (stack.ts) runs the real L2 services instead.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet, type JsonRpcProvider } from 'ethers';
import Redis from 'ioredis';
import type { NatsConnection } from 'nats';
import {
  accInputHashStep,
  decodeSequenceBatches,
  deploySystem,
  devAccount,
  fundFees,
  parseRollupLog,
  rollupInterface,
  startL1Node,
  writeL1Deployment,
  ZERO_HASH,
  type DeployedSystem,
  type L1Node,
} from '@zkseq/contracts';
import { connectNats, deleteStreams, ensureStreams, publishDurable, subjects, type BatchClosed } from '@zkseq/messaging';
import { StateDb, type Batch, type Hex, type StoredBlock, type StoredTx } from '@zkseq/statedb';
import { spawnService, waitFor, type ServiceProcess } from './processes';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const L2_COINBASE: Hex = '0x00000000000000000000000000000000c01bba5e';
const ZERO32 = ZERO_HASH;

export type WorldOptions = {
  /** L1 block interval; 0 = automine. */
  blockTimeMs?: number;
  /** Extra env for each service. */
  ethTxManager?: Record<string, string>;
  sender?: Record<string, string>;
  sync?: Record<string, string>;
  /** Which services to start now (default all three). */
  start?: { ethTxManager?: boolean; sender?: boolean; sync?: boolean };
};

/** One L1 `SequenceBatches` call as the current chain holds it. */
export type L1SequenceSeen = { from: number; to: number; txHash: Hex; blockNumber: number; calldataBytes: number; transactions: Hex[] };

export type PipelineOptions = WorldOptions & {
  /** L2 genesis state root and timestamp the rollup is deployed with. */
  genesisRoot?: Hex;
  l2ChainId?: number;
};

export class L1Pipeline {
  readonly ns = `t${randomBytes(5).toString('hex')}`;
  readonly statePrefix = `${this.ns}:state:`;
  readonly redis = new Redis(REDIS_URL);
  readonly state = new StateDb(this.redis, { prefix: this.statePrefix });
  readonly subjects = subjects(this.ns);
  readonly dir = mkdtempSync(join(tmpdir(), 'zkseq-seq-'));
  readonly deploymentFile = join(this.dir, 'l1-deployment.json');
  readonly admin = devAccount(0);
  readonly sequencer = devAccount(1);
  readonly user = devAccount(2);
  node!: L1Node;
  provider!: JsonRpcProvider;
  system!: DeployedSystem;
  nc!: NatsConnection;
  ethTxManager?: ServiceProcess;
  sender?: ServiceProcess;
  sync?: ServiceProcess;
  protected readonly procs: ServiceProcess[] = [];
  private stopped = false;

  constructor(protected readonly opts: PipelineOptions = {}) {}

  /** Runs a start-up sequence; when it fails part-way, whatever it started is stopped before the error propagates. */
  protected async starting(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      await this.stop().catch(() => undefined);
      throw err;
    }
  }

  /** L1 node, contracts, deployment file and NATS streams; no service yet. */
  async startL1(): Promise<void> {
    this.node = await startL1Node({ blockTimeMs: this.opts.blockTimeMs ?? 1000 });
    this.provider = this.node.provider();
    const deployer = new Wallet(this.admin.privateKey, this.provider);
    const l2ChainId = this.opts.l2ChainId ?? 1001;
    const genesisRoot = this.opts.genesisRoot ?? ZERO32;
    this.system = await deploySystem({ deployer, trustedSequencer: this.sequencer.address, l2ChainId: BigInt(l2ChainId), genesisRoot, activateForcedBatches: true, forceBatchTimeout: 3600n });
    await fundFees({ tokenOwner: deployer, holder: new Wallet(this.sequencer.privateKey, this.provider), feeToken: this.system.feeToken, rollup: this.system.rollup, amount: 10n ** 24n });
    writeL1Deployment(this.deploymentFile, {
      l1: { rpcUrl: this.node.url, chainId: this.node.chainId, deploymentBlockNumber: this.system.blockNumber, deploymentBlockHash: this.system.blockHash },
      contracts: { rollup: this.system.rollup, globalExitRootManager: this.system.globalExitRootManager, feeToken: this.system.feeToken },
      roles: { admin: this.admin.address, trustedSequencer: this.sequencer.address, globalExitRootUpdater: this.admin.address },
      params: { batchFee: (10n ** 17n).toString(), forceBatchTimeout: 3600, forcedBatchesActive: true },
      l2: { chainId: l2ChainId, forkId: 6, networkName: 'zkseq-test', genesis: { stateRoot: genesisRoot, accInputHash: ZERO32, batchNumber: 0, timestamp: this.system.timestamp, accounts: [] } },
    });
    this.nc = await connectNats({ url: NATS_URL, name: 'sequencing-test' });
    await ensureStreams(this.nc, this.ns, { storage: 'memory' });
  }

  /** eth-tx-manager, sequence-sender and synchronizer, unless `opts.start` says otherwise. */
  async startL1Services(): Promise<void> {
    const s = this.opts.start ?? {};
    if (s.ethTxManager !== false) await this.startEthTxManager();
    if (s.sender !== false) await this.startSender();
    if (s.sync !== false) await this.startSync();
  }

  protected common(): Record<string, string> {
    return { NATS_URL, NATS_NAMESPACE: this.ns, NATS_STREAM_STORAGE: 'memory', L1_DEPLOYMENT_FILE: this.deploymentFile, STATE_REDIS_URL: REDIS_URL, STATE_REDIS_PREFIX: this.statePrefix };
  }

  protected track(p: ServiceProcess): ServiceProcess {
    this.procs.push(p);
    return p;
  }

  async startEthTxManager(env: Record<string, string> = {}): Promise<ServiceProcess> {
    this.ethTxManager = this.track(await spawnService('eth-tx-manager', {
      ...this.common(), REDIS_URL, ETHTXMAN_REDIS_PREFIX: `${this.ns}:l1tx:`, L1_RPC_URL: this.node.url, ETHTXMAN_PRIVATE_KEY: this.sequencer.privateKey,
      ETHTXMAN_CONFIRMATIONS: '1', ETHTXMAN_POLL_MS: '200', ETHTXMAN_RESEND_AFTER_MS: '30000', ...this.opts.ethTxManager, ...env,
    }, 'L1 account ready'));
    return this.ethTxManager;
  }

  async startSender(env: Record<string, string> = {}): Promise<ServiceProcess> {
    this.sender = this.track(await spawnService('sequence-sender', {
      ...this.common(), SEQSENDER_REDIS_PREFIX: `${this.ns}:seqsender:`, SEQSENDER_MAX_WAIT_MS: '500', SEQSENDER_POLL_MS: '200', ...this.opts.sender, ...env,
    }, 'sequence-sender running'));
    return this.sender;
  }

  async startSync(env: Record<string, string> = {}): Promise<ServiceProcess> {
    this.sync = this.track(await spawnService('synchronizer', {
      ...this.common(), SYNC_REDIS_PREFIX: `${this.ns}:sync:`, SYNC_POLL_MS: '200', ...this.opts.sync, ...env,
    }, 'synchronizer running'));
    return this.sync;
  }

  async waitVirtual(n: number, timeoutMs = 90_000): Promise<void> {
    await waitFor(async () => ((await this.state.getHeads())!.lastVirtualBatch >= n ? true : undefined), `batch ${n} to become virtual`, timeoutMs, 200);
  }

  /** Every SequenceBatches call on the current L1 chain, decoded from its calldata. */
  async l1Sequences(): Promise<L1SequenceSeen[]> {
    const topic = rollupInterface().getEvent('SequenceBatches')!.topicHash;
    const logs = await this.provider.getLogs({ address: this.system.rollup, fromBlock: this.system.blockNumber, toBlock: 'latest', topics: [topic] });
    const out: L1SequenceSeen[] = [];
    for (const log of logs) {
      const ev = parseRollupLog(log);
      if (ev?.name !== 'SequenceBatches') continue;
      const tx = (await this.provider.getTransaction(log.transactionHash))!;
      const { batches } = decodeSequenceBatches(tx.data);
      const to = Number(ev.numBatch);
      out.push({ from: to - batches.length + 1, to, txHash: tx.hash as Hex, blockNumber: log.blockNumber, calldataBytes: (tx.data.length - 2) / 2, transactions: batches.map((b) => b.transactions) });
    }
    return out;
  }

  /** A view call on the rollup (current L1 head); returns the decoded outputs. */
  async rollupRead(fn: string, ...args: unknown[]): Promise<unknown[]> {
    const iface = rollupInterface();
    const out = await this.provider.call({ to: this.system.rollup, data: iface.encodeFunctionData(fn, args) });
    return [...iface.decodeFunctionResult(fn, out)];
  }

  /** A signer for one of the dev accounts on this L1. */
  wallet(account: { privateKey: string }): Wallet {
    return new Wallet(account.privateKey, this.provider);
  }

  async pendingNonce(address: string): Promise<number> {
    return this.provider.getTransactionCount(address, 'pending');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const p of [...this.procs].reverse()) await p.stop();
    this.provider?.destroy();
    await this.node?.stop();
    if (this.nc) {
      await deleteStreams(this.nc, this.ns);
      await this.nc.close();
    }
    const keys = await this.redis.keys(`${this.ns}:*`);
    if (keys.length) await this.redis.del(...keys);
    this.redis.disconnect();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** L1Pipeline plus a StateDB genesis and closed batches written by the test, standing in for the sequencer. */
export class SequencingWorld extends L1Pipeline {
  private lastTimestamp = 0;

  async start(): Promise<this> {
    await this.starting(async () => {
      await this.startL1();
      await this.state.initGenesis({ stateRoot: ZERO32, timestamp: this.system.timestamp, coinbase: L2_COINBASE, block: fakeBlock(0, ZERO32, 0, this.system.timestamp) });
      await this.startL1Services();
    });
    return this;
  }

  /**
   * Writes `sizes.length` closed batches (batch i carrying `sizes[i]` random bytes of L2 data)
   * through the StateDB with a correct accInputHash chain, and announces each on `batch.closed`.
   * `tamper` lets a test store a wrong value for one batch. Returns the batch numbers.
   */
  async closeBatches(sizes: number[], o: { tamper?: (b: number) => Partial<Pick<Batch, 'accInputHash'>>; forcedBatchNum?: number; data?: Hex; globalExitRoot?: Hex } = {}): Promise<number[]> {
    const out: number[] = [];
    for (const size of sizes) {
      const heads = (await this.state.getHeads())!;
      const n = heads.lastBatch + 1;
      const prev = (await this.state.getBatch(n - 1))!;
      const l1Now = (await this.provider.getBlock('latest'))!.timestamp;
      const timestamp = Math.max(this.lastTimestamp, prev.timestamp, Math.min(Math.floor(Date.now() / 1000), l1Now));
      this.lastTimestamp = timestamp;
      const ger = o.globalExitRoot ?? ZERO32;
      await this.state.openBatch({ number: n, coinbase: L2_COINBASE, timestamp, globalExitRoot: ger, stateRoot: ZERO32, localExitRoot: ZERO32, forcedBatchNum: o.forcedBatchNum ?? null });
      const data = (o.data ?? (size > 0 ? `0x${randomBytes(size).toString('hex')}` : '0x')) as Hex;
      if (data !== '0x') {
        const blockNumber = heads.lastBlock + 1;
        const txHash = `0x${randomBytes(32).toString('hex')}` as Hex;
        await this.state.appendBlock(n, fakeBlock(blockNumber, txHash, n, timestamp), fakeTx(txHash, blockNumber, n), data, { stateRoot: ZERO32, localExitRoot: ZERO32, resources: { gasUsed: 21000, bytes: (data.length - 2) / 2, txCount: 1, counters: {} } });
      }
      const acc = accInputHashStep(prev.accInputHash!, data, ger, BigInt(timestamp), L2_COINBASE);
      const accInputHash = o.tamper?.(n).accInputHash ?? acc;
      await this.state.closeBatch(n, { stateRoot: ZERO32, localExitRoot: ZERO32, resources: { gasUsed: 21000, bytes: (data.length - 2) / 2, txCount: data === '0x' ? 0 : 1, counters: {} }, accInputHash, closingReason: 'test' });
      const msg: BatchClosed = { batchNumber: n, stateRoot: ZERO32, accInputHash, localExitRoot: ZERO32, globalExitRoot: ger, timestamp, coinbase: L2_COINBASE, txCount: 1, closingReason: 'test' };
      await publishDurable(this.nc.jetstream(), this.subjects.batchClosed, msg, `batch-closed-${n}`);
      out.push(n);
    }
    return out;
  }
}

function fakeBlock(number: number, txHash: Hex, batchNumber: number, timestamp: number): StoredBlock {
  return {
    number, hash: `0x${randomBytes(32).toString('hex')}` as Hex, parentHash: ZERO32, stateRoot: ZERO32, transactionsRoot: ZERO32, receiptsRoot: ZERO32,
    logsBloom: `0x${'00'.repeat(256)}`, miner: L2_COINBASE, gasLimit: '0x1c9c380', gasUsed: '0x5208', timestamp, extraData: '0x', size: 0, batchNumber,
    transactions: number === 0 ? [] : [txHash],
  };
}

function fakeTx(hash: Hex, blockNumber: number, batchNumber: number): StoredTx {
  return {
    hash, from: L2_COINBASE, to: L2_COINBASE, nonce: '0x0', gasPrice: '0x1', gas: '0x5208', value: '0x0', input: '0x', v: '0x1b', r: ZERO32, s: ZERO32, chainId: null,
    raw: '0x', effectivePercentage: 255, blockNumber, blockHash: ZERO32, batchNumber,
    receipt: { status: 1, gasUsed: '0x5208', cumulativeGasUsed: '0x5208', contractAddress: null, logs: [], logsBloom: `0x${'00'.repeat(256)}`, effectiveGasPrice: '0x1', romError: null },
  };
}
