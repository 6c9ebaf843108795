// The whole system for end-to-end tests, every service as its own process: hashdb, executor, pool,
// rpc and sequencer on the L2 side, and the L1 pipeline (hardhat L1 with the rollup, eth-tx-manager,
// sequence-sender, synchronizer), on one random NATS namespace and Redis prefix.
import { join } from 'node:path';
import { JsonRpcProvider, Network, Wallet } from 'ethers';
import { writeGenesisFile } from '@zkseq/genesis';
import type { Hex } from '@zkseq/statedb';
import { spawnService, type ServiceProcess } from './processes';
import { L1Pipeline, L2_COINBASE, NATS_URL, REDIS_URL, type PipelineOptions } from './sequencing';

export const L2_CHAIN_ID = 1001;

export type StackOptions = PipelineOptions & {
  /** Funded L2 accounts in the genesis (each holds 1,000 ether). */
  accounts: number;
  sequencerEnv?: Record<string, string>;
  poolEnv?: Record<string, string>;
  rpcEnv?: Record<string, string>;
};

export class FullStack extends L1Pipeline {
  readonly poolPrefix = `${this.ns}:pool:`;
  readonly leaseKey = `${this.ns}:lease:sequencer`;
  readonly genesisFile = join(this.dir, 'genesis.json');
  readonly l2Wallets: Wallet[];
  hashdb!: ServiceProcess;
  executor!: ServiceProcess;
  pool!: ServiceProcess;
  rpcProc!: ServiceProcess;
  sequencerProc!: ServiceProcess;
  rpcUrl = '';
  genesisRoot!: Hex;

  constructor(private readonly stackOpts: StackOptions) {
    super({ ...stackOpts, l2ChainId: L2_CHAIN_ID });
    this.l2Wallets = Array.from({ length: stackOpts.accounts }, () => Wallet.createRandom() as unknown as Wallet);
  }

  async start(): Promise<this> {
    await this.starting(() => this.startAll());
    return this;
  }

  private async startAll(): Promise<void> {
    writeGenesisFile(this.genesisFile, {
      chainId: L2_CHAIN_ID,
      timestamp: Math.floor(Date.now() / 1000) - 60,
      accounts: this.l2Wallets.map((w) => ({ address: w.address.toLowerCase(), balance: 10n ** 21n })),
    });
    this.hashdb = this.track(await spawnService('hashdb', {
      HASHDB_DATA_DIR: join(this.dir, 'hashdb'), HASHDB_GRPC_PORT: '0', HASHDB_GENESIS_FILE: this.genesisFile, HASHDB_CACHE_NODES: '100000',
    }, 'grpc listening'));
    this.genesisRoot = (await this.hashdb.waitForLog((l) => l.msg === 'genesis loaded', 'the genesis root')).root as Hex;
    (this.opts as PipelineOptions).genesisRoot = this.genesisRoot;
    await this.startL1();

    const hashdbUrl = `127.0.0.1:${this.hashdb.logs.find((l) => l.msg === 'grpc listening')!.port as number}`;
    this.executor = this.track(await spawnService('executor', { HASHDB_URL: hashdbUrl, EXECUTOR_GRPC_PORT: '0' }, 'executor listening'));
    const executorUrl = `127.0.0.1:${this.executor.logs.find((l) => l.msg === 'executor listening')!.port as number}`;
    const l2 = {
      NATS_URL, NATS_NAMESPACE: this.ns, NATS_STREAM_STORAGE: 'memory', L2_CHAIN_ID: String(L2_CHAIN_ID), HASHDB_URL: hashdbUrl, EXECUTOR_URL: executorUrl,
      POOL_REDIS_URL: REDIS_URL, POOL_REDIS_PREFIX: this.poolPrefix, STATE_REDIS_URL: REDIS_URL, STATE_REDIS_PREFIX: this.statePrefix,
    };
    this.pool = this.track(await spawnService('pool', { ...l2, ...this.stackOpts.poolEnv }, 'pool accepting submissions'));
    this.rpcProc = this.track(await spawnService('rpc', { ...l2, RPC_PORT: '0', RPC_FILTER_PREFIX: `${this.ns}:rpc:filter:`, ...this.stackOpts.rpcEnv }, 'json-rpc listening'));
    this.rpcUrl = `http://127.0.0.1:${this.rpcProc.logs.find((l) => l.msg === 'json-rpc listening')!.port as number}`;
    this.sequencerProc = this.track(await spawnService('sequencer', {
      ...l2, SEQUENCER_GENESIS_FILE: this.genesisFile, SEQUENCER_COINBASE: L2_COINBASE, SEQUENCER_LEASE_KEY: this.leaseKey, ...this.stackOpts.sequencerEnv,
    }, 'sequencer started'));
    await this.sequencerProc.waitForLog((l) => l.msg === 'lease acquired: sequencing', 'the sequencer to lead');
    await this.startL1Services();
  }

  /** An ethers provider for the L2 JSON-RPC. */
  l2Provider(): JsonRpcProvider {
    return new JsonRpcProvider(this.rpcUrl, Network.from(L2_CHAIN_ID), { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
  }

  async rpc<T>(method: string, params: unknown[] = []): Promise<T> {
    const res = await fetch(this.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    const body = (await res.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result as T;
  }
}
