import Redis from 'ioredis';
import { ExecutorClient, HashDbClient } from '@zkseq/grpc';
import { connectServiceNats, consumeDurable, encode, publishDurable, streams, subjects, type ForcedBatchSeen } from '@zkseq/messaging';
import { PoolDb } from '@zkseq/pooldb';
import { runService } from '@zkseq/service';
import { StateDb } from '@zkseq/statedb';
import { configSchema, sequencerOptions } from './config';
import { Lease } from './lease';
import { createMetrics, TimeSplit } from './metrics';
import { recordForcedBatch, Sequencer } from './sequencer';
import { Wakeup } from './wakeup';

void runService({
  name: 'sequencer',
  config: configSchema,
  async start(ctx, cfg) {
    const metrics = createMetrics(ctx.registry);
    const options = sequencerOptions(cfg);
    const poolRedis = new Redis(cfg.POOL_REDIS_URL, { enableAutoPipelining: true });
    const stateRedis = cfg.STATE_REDIS_URL === cfg.POOL_REDIS_URL ? poolRedis : new Redis(cfg.STATE_REDIS_URL, { enableAutoPipelining: true });
    ctx.onShutdown('redis', () => {
      poolRedis.disconnect();
      if (stateRedis !== poolRedis) stateRedis.disconnect();
    });
    const executor = new ExecutorClient({ address: cfg.EXECUTOR_URL, policy: { deadlineMs: cfg.EXECUTOR_TIMEOUT_MS } });
    const hashdb = new HashDbClient({ address: cfg.HASHDB_URL, policy: { deadlineMs: cfg.HASHDB_TIMEOUT_MS } });
    ctx.onShutdown('grpc', () => {
      executor.close();
      hashdb.close();
    });
    const nc = await connectServiceNats(ctx, { url: cfg.NATS_URL, namespace: cfg.NATS_NAMESPACE, storage: cfg.NATS_STREAM_STORAGE });
    const js = nc.jetstream();
    const subj = subjects(cfg.NATS_NAMESPACE);
    const state = new StateDb(stateRedis, { prefix: cfg.STATE_REDIS_PREFIX });
    const wakeup = new Wakeup();
    // A hint only: selection also polls the pool, so a lost message just delays it.
    const added = nc.subscribe(subj.poolTxAdded, { callback: () => wakeup.notify() });

    const sequencer = new Sequencer({
      state, pool: new PoolDb(poolRedis, { prefix: cfg.POOL_REDIS_PREFIX }), executor, hashdb,
      lease: new Lease(stateRedis, cfg.SEQUENCER_LEASE_KEY, cfg.SEQUENCER_INSTANCE, cfg.SEQUENCER_LEASE_TTL_MS),
      publishBlock: (msg) => nc.publish(subj.l2Block, encode(msg)),
      publishClosed: async (msg) => void (await publishDurable(js, subj.batchClosed, msg, String(msg.batchNumber))),
      metrics, logger: ctx.logger, options, genesisFile: cfg.SEQUENCER_GENESIS_FILE, split: new TimeSplit(metrics.phaseSeconds), wakeup,
      fatal: (err) => ctx.fail(err),
    });
    const sequencing = sequencer.run(ctx.signal);
    // Every instance records forced batches (idempotent); the leader sequences them.
    const forced = consumeDurable<ForcedBatchSeen>(js, nc, {
      stream: streams(cfg.NATS_NAMESPACE).l1events, durable: 'sequencer-forced-batches', filterSubject: subj.forcedBatch, maxAckPending: 64, retryDelayMs: 1_000,
      signal: ctx.signal, onError: (err) => ctx.logger.error({ err }, 'forced batch not recorded; it will be redelivered'),
      handler: async (msg) => {
        const fresh = await recordForcedBatch(state, msg);
        ctx.logger.info({ forceBatchNum: msg.forceBatchNum, fresh }, 'forced batch recorded');
        wakeup.notify();
      },
    });
    forced.catch((err: unknown) => {
      if (!ctx.signal.aborted) ctx.fail(err);
    });
    // Closers run in reverse order: the loop stops (and writes what it executed) before the connections close.
    ctx.onShutdown('sequencing', async () => {
      added.unsubscribe();
      await Promise.allSettled([sequencing, forced]);
    });
    ctx.addReadiness({ name: 'redis', check: () => poolRedis.status === 'ready' && stateRedis.status === 'ready' });
    ctx.logger.info({ instance: cfg.SEQUENCER_INSTANCE, lease: cfg.SEQUENCER_LEASE_KEY, coinbase: options.coinbase, chainId: options.chainId }, 'sequencer started');
  },
});
