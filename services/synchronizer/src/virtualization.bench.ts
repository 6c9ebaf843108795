/**
 * Virtualization latency: time from a batch closing (StateDB closedAt) to the synchronizer
 * announcing it virtual, under the devnet's settings: a hardhat L1 mining a block every second,
 * eth-tx-manager with one confirmation, sequence-sender and synchronizer with their defaults.
 * Batches (2 kB of L2 data each) close every 1.5 s, written through libs/statedb as the sequencer
 * would; the three services run as their own processes (built dist/main.js).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { Redis } from 'ioredis';
import { note, percentile, report } from '@zkseq/bench';
import { accInputHashStep, deploySystem, devAccount, fundFees, startL1Node, writeL1Deployment, ZERO_HASH, type Hex } from '@zkseq/contracts';
import { connectNats, decode, deleteStreams, ensureStreams, publishDurable, subjects, type BatchVirtualized } from '@zkseq/messaging';
import { StateDb } from '@zkseq/statedb';

const BATCHES = 24;
const INTERVAL_MS = 1500;
const COINBASE: Hex = '0x00000000000000000000000000000000c01bba5e';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function main(): Promise<void> {
  const ns = `bench${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'zkseq-virt-bench-'));
  const node = await startL1Node({ blockTimeMs: 1000 });
  const provider = node.provider();
  const redis = new Redis(REDIS_URL);
  const nc = await connectNats({ url: NATS_URL, name: 'virtualization-bench' });
  const children: ChildProcess[] = [];
  try {
    const admin = new Wallet(devAccount(0).privateKey, provider);
    const sequencer = devAccount(1);
    const system = await deploySystem({ deployer: admin, trustedSequencer: sequencer.address, l2ChainId: 1001n });
    await fundFees({ tokenOwner: admin, holder: new Wallet(sequencer.privateKey, provider), feeToken: system.feeToken, rollup: system.rollup, amount: 10n ** 24n });
    const deploymentFile = join(dir, 'l1-deployment.json');
    writeL1Deployment(deploymentFile, {
      l1: { rpcUrl: node.url, chainId: node.chainId, deploymentBlockNumber: system.blockNumber, deploymentBlockHash: system.blockHash },
      contracts: { rollup: system.rollup, globalExitRootManager: system.globalExitRootManager, feeToken: system.feeToken },
      roles: { admin: admin.address, trustedSequencer: sequencer.address, globalExitRootUpdater: admin.address },
      params: { batchFee: (10n ** 17n).toString(), forceBatchTimeout: 5 * 24 * 3600, forcedBatchesActive: false },
      l2: { chainId: 1001, forkId: 6, networkName: 'bench', genesis: { stateRoot: ZERO_HASH, accInputHash: ZERO_HASH, batchNumber: 0, timestamp: system.timestamp, accounts: [] } },
    });
    const statePrefix = `${ns}:state:`;
    const state = new StateDb(redis, { prefix: statePrefix });
    const genesisBlock = {
      number: 0, hash: ZERO_HASH, parentHash: ZERO_HASH, stateRoot: ZERO_HASH, transactionsRoot: ZERO_HASH, receiptsRoot: ZERO_HASH, logsBloom: `0x${'00'.repeat(256)}` as Hex,
      miner: COINBASE, gasLimit: '0x0' as Hex, gasUsed: '0x0' as Hex, timestamp: system.timestamp, extraData: '0x' as Hex, size: 0, batchNumber: 0, transactions: [],
    };
    await state.initGenesis({ stateRoot: ZERO_HASH, timestamp: system.timestamp, coinbase: COINBASE, block: genesisBlock });
    await ensureStreams(nc, ns, { storage: 'memory' });

    const common = { NATS_URL, NATS_NAMESPACE: ns, NATS_STREAM_STORAGE: 'memory', STATE_REDIS_URL: REDIS_URL, STATE_REDIS_PREFIX: statePrefix, L1_DEPLOYMENT_FILE: deploymentFile, METRICS_PORT: '0', LOG_LEVEL: 'warn' };
    const run = (name: string, env: Record<string, string>) => {
      const child = spawn(process.execPath, [join(__dirname, '..', '..', name, 'dist', 'main.js')], { env: { ...process.env, ...common, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
      children.push(child);
    };
    run('eth-tx-manager', { REDIS_URL, ETHTXMAN_REDIS_PREFIX: `${ns}:l1tx:`, L1_RPC_URL: node.url, ETHTXMAN_PRIVATE_KEY: sequencer.privateKey, ETHTXMAN_CONFIRMATIONS: '1' });
    run('sequence-sender', { SEQSENDER_REDIS_PREFIX: `${ns}:seqsender:` });
    run('synchronizer', { SYNC_REDIS_PREFIX: `${ns}:sync:` });

    // Started: each service has written its first record (eth-tx-manager its nonce, the others their starting point).
    for (const [key, field] of [[`${ns}:l1tx:meta`, 'nextNonce'], [`${ns}:seqsender:state`, 'lastTo'], [`${ns}:sync:cursor`, 'number']]) {
      const deadline = Date.now() + 60_000;
      while ((await redis.hget(key, field)) === null) {
        if (Date.now() > deadline) throw new Error(`a service did not start (${key} has no ${field})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    const closedAt = new Map<number, number>();
    const latencies: number[] = [];
    let resolveAll!: () => void;
    const allVirtual = new Promise<void>((r) => (resolveAll = r));
    const subj = subjects(ns);
    nc.subscribe(subj.batchVirtualized, {
      callback: (_err, m) => {
        const v = decode<BatchVirtualized>(m.data);
        const at = closedAt.get(v.batchNumber);
        if (at === undefined || latencies.length >= BATCHES) return;
        closedAt.delete(v.batchNumber);
        latencies.push((Date.now() - at) / 1000);
        if (latencies.length === BATCHES) resolveAll();
      },
    });

    note(`closing ${BATCHES} batches, one every ${INTERVAL_MS} ms, L1 block time 1 s`);
    let acc: Hex = ZERO_HASH;
    for (let n = 1; n <= BATCHES; n++) {
      const timestamp = (await provider.getBlock('latest'))!.timestamp;
      const data = `0x${randomBytes(2048).toString('hex')}` as Hex;
      acc = accInputHashStep(acc, data, ZERO_HASH, BigInt(timestamp), COINBASE);
      await state.openBatch({ number: n, coinbase: COINBASE, timestamp, globalExitRoot: ZERO_HASH, stateRoot: ZERO_HASH, localExitRoot: ZERO_HASH });
      const now = Date.now();
      await state.closeBatch(n, { stateRoot: ZERO_HASH, localExitRoot: ZERO_HASH, resources: { gasUsed: 0, bytes: 2048, txCount: 0, counters: {} }, accInputHash: acc, closingReason: 'bench', batchL2Data: data }, now);
      closedAt.set(n, now);
      await publishDurable(nc.jetstream(), subj.batchClosed, { batchNumber: n, stateRoot: ZERO_HASH, accInputHash: acc, localExitRoot: ZERO_HASH, globalExitRoot: ZERO_HASH, timestamp, coinbase: COINBASE, txCount: 0, closingReason: 'bench' }, `closed-${n}`);
      await new Promise((r) => setTimeout(r, INTERVAL_MS));
    }
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`only ${latencies.length} of ${BATCHES} batches became virtual`)), 120_000));
    await Promise.race([allVirtual, timeout]);
    report('sync.virtualization_latency_p50_s', percentile(latencies, 50), 's');
    report('sync.virtualization_latency_p95_s', percentile(latencies, 95), 's');
    report('sync.virtualization_latency_max_s', Math.max(...latencies), 's');
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    await deleteStreams(nc, ns).catch(() => undefined);
    await nc.close();
    const keys = await redis.keys(`${ns}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    provider.destroy();
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`virtualization bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
