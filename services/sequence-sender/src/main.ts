import { Redis } from 'ioredis';
import { readL1Deployment, type Hex } from '@zkseq/contracts';
import { connectServiceNats, consumeDurable, L1TxClient, publishDurable, streams, subjects, type BatchClosed, type L1TxResult } from '@zkseq/messaging';
import { runService, startBackgroundWork } from '@zkseq/service';
import { StateDb } from '@zkseq/statedb';
import { configSchema, senderOptions } from './config';
import { l1Provider, RollupView } from './l1';
import { createMetrics } from './metrics';
import { SequenceRecords } from './records';
import { readResultsSince } from './results';
import { SequenceSender } from './sender';

void runService({
  name: 'sequence-sender',
  config: configSchema,
  async start(ctx, cfg) {
    const deployment = readL1Deployment(cfg.L1_DEPLOYMENT_FILE);
    const metrics = createMetrics(ctx.registry);
    const provider = l1Provider(cfg.L1_RPC_URL ?? deployment.l1.rpcUrl, deployment.l1.chainId, cfg.L1_RPC_TIMEOUT_MS);
    ctx.onShutdown('l1', () => provider.destroy());
    const redis = new Redis(cfg.STATE_REDIS_URL, { lazyConnect: true });
    await redis.connect();
    ctx.onShutdown('redis', async () => void (await redis.quit()));
    const nc = await connectServiceNats(ctx, { url: cfg.NATS_URL, namespace: cfg.NATS_NAMESPACE, storage: cfg.NATS_STREAM_STORAGE });
    const js = nc.jetstream();
    const subj = subjects(cfg.NATS_NAMESPACE);
    const options = senderOptions(cfg);

    const sender = new SequenceSender({
      state: new StateDb(redis, { prefix: cfg.STATE_REDIS_PREFIX }),
      records: new SequenceRecords(redis, cfg.SEQSENDER_REDIS_PREFIX),
      l1: new RollupView(provider, deployment, cfg.L1_RPC_TIMEOUT_MS),
      client: new L1TxClient(nc, cfg.NATS_NAMESPACE, options.owner),
      rollup: deployment.contracts.rollup as Hex,
      publishSequenced: async (msg, msgId) => void (await publishDurable(js, subj.batchSequenced, msg, msgId)),
      readResults: (since, apply) => readResultsSince(js, cfg.NATS_NAMESPACE, options.owner, since, apply),
      metrics,
      logger: ctx.logger,
      options,
      signal: ctx.signal,
    });
    ctx.addReadiness({ name: 'redis', check: () => redis.status === 'ready' });
    startBackgroundWork(ctx, {
      name: 'sequencing loop',
      readyWhen: 'records loaded',
      init: () => sender.init(),
      retryInit: { waiting: 'cannot load the starting point yet (L1 or Redis unavailable)' },
      run: () => {
        ctx.logger.info({ owner: options.owner, rollup: deployment.contracts.rollup, maxWaitMs: options.maxWaitMs, maxBatches: options.maxBatches, maxTxBytes: options.maxTxBytes }, 'sequence-sender running');
        const onError = (err: unknown) => ctx.logger.error({ err }, 'message handling failed; it will be redelivered');
        return Promise.all([
          sender.run(),
          // `batch.closed` is a wake-up: the batches themselves are read from the StateDB.
          consumeDurable<BatchClosed>(js, nc, {
            stream: streams(cfg.NATS_NAMESPACE).batches, durable: `${options.owner}-closed`, filterSubject: subj.batchClosed, deliverPolicy: 'new',
            maxAckPending: 1024, retryDelayMs: 1000, signal: ctx.signal, onError, handler: async () => sender.notify(),
          }),
          consumeDurable<L1TxResult>(js, nc, {
            stream: streams(cfg.NATS_NAMESPACE).l1tx, durable: `${options.owner}-results`, filterSubject: subj.l1TxResult(options.owner),
            maxAckPending: 256, retryDelayMs: 1000, signal: ctx.signal, onError, handler: (result, raw) => sender.onResult(result, raw.seq),
          }),
        ]);
      },
    });
  },
});
