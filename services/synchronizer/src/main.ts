import { Redis } from 'ioredis';
import { readL1Deployment, type Hex } from '@zkseq/contracts';
import { connectServiceNats, publishDurable, subjects } from '@zkseq/messaging';
import { runService, startBackgroundWork } from '@zkseq/service';
import { StateDb } from '@zkseq/statedb';
import { configSchema, syncOptions } from './config';
import { L1Reader } from './l1';
import { createMetrics } from './metrics';
import { SyncStore } from './store';
import { FatalSyncError, Synchronizer } from './synchronizer';

void runService({
  name: 'synchronizer',
  config: configSchema,
  async start(ctx, cfg) {
    const deployment = readL1Deployment(cfg.L1_DEPLOYMENT_FILE);
    const options = syncOptions(cfg);
    const metrics = createMetrics(ctx.registry);
    const rollup = deployment.contracts.rollup as Hex;
    const l1 = new L1Reader(cfg.L1_RPC_URL ?? deployment.l1.rpcUrl, deployment.l1.chainId, rollup, deployment.contracts.globalExitRootManager as Hex, cfg.L1_RPC_TIMEOUT_MS);
    ctx.onShutdown('l1', () => l1.destroy());
    const redis = new Redis(cfg.STATE_REDIS_URL, { lazyConnect: true });
    await redis.connect();
    ctx.onShutdown('redis', async () => void (await redis.quit()));
    const nc = await connectServiceNats(ctx, { url: cfg.NATS_URL, namespace: cfg.NATS_NAMESPACE, storage: cfg.NATS_STREAM_STORAGE });
    const js = nc.jetstream();
    const subj = subjects(cfg.NATS_NAMESPACE);
    const deploymentBlock = { number: deployment.l1.deploymentBlockNumber, hash: deployment.l1.deploymentBlockHash as Hex };

    const sync = new Synchronizer({
      l1,
      state: new StateDb(redis, { prefix: cfg.STATE_REDIS_PREFIX }),
      store: new SyncStore(redis, cfg.SYNC_REDIS_PREFIX, options.keepBlocks, deploymentBlock.number),
      rollup,
      deploymentBlock,
      publishVirtualized: async (msg, msgId) => void (await publishDurable(js, subj.batchVirtualized, msg, msgId)),
      publishForcedBatch: async (msg, msgId) => void (await publishDurable(js, subj.forcedBatch, msg, msgId)),
      metrics,
      logger: ctx.logger,
      options,
      signal: ctx.signal,
    });
    ctx.addReadiness({ name: 'redis', check: () => redis.status === 'ready' });
    startBackgroundWork(ctx, {
      name: 'sync loop',
      readyWhen: 'cursor loaded',
      init: () => sync.init(),
      retryInit: { waiting: 'cannot load the L1 cursor yet (L1 or Redis unavailable)', isRetryable: (err) => !(err instanceof FatalSyncError) },
      run: () => {
        ctx.logger.info({ rollup, deploymentBlock, confirmations: options.confirmations, chunkBlocks: options.chunkBlocks }, 'synchronizer running');
        return sync.run();
      },
    });
  },
});
