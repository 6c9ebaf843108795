import { Redis } from 'ioredis';
import { Wallet } from 'ethers';
import { connectServiceNats, consumeDurable, publishDurable, streams, subjects, type L1TxRequest } from '@zkseq/messaging';
import { runService, startBackgroundWork } from '@zkseq/service';
import { configSchema, loadPrivateKey, managerOptions } from './config';
import { invalidResult, validateRequest } from './intake';
import { TxManager } from './manager';
import { createMetrics } from './metrics';
import { L1Rpc } from '@zkseq/contracts';
import { TxStore } from './store';

void runService({
  name: 'eth-tx-manager',
  config: configSchema,
  async start(ctx, cfg) {
    const wallet = new Wallet(loadPrivateKey(cfg));
    const metrics = createMetrics(ctx.registry);
    const redis = new Redis(cfg.REDIS_URL, { lazyConnect: true });
    await redis.connect();
    ctx.onShutdown('redis', async () => void (await redis.quit()));
    const nc = await connectServiceNats(ctx, { url: cfg.NATS_URL, namespace: cfg.NATS_NAMESPACE, storage: cfg.NATS_STREAM_STORAGE });
    const js = nc.jetstream();
    const subj = subjects(cfg.NATS_NAMESPACE);

    const store = new TxStore(redis, cfg.ETHTXMAN_REDIS_PREFIX, cfg.ETHTXMAN_RETENTION_S);
    const manager = new TxManager({
      rpc: new L1Rpc(cfg.L1_RPC_URL, cfg.ETHTXMAN_RPC_TIMEOUT_MS),
      store,
      wallet,
      metrics,
      logger: ctx.logger,
      options: managerOptions(cfg),
      signal: ctx.signal,
      publish: async ({ msgId, result }) => void (await publishDurable(js, subj.l1TxResult(result.owner), result, msgId)),
    });
    ctx.addReadiness({ name: 'redis', check: () => redis.status === 'ready' });
    startBackgroundWork(ctx, {
      name: 'send loop',
      readyWhen: 'l1 account bound',
      init: () => manager.init(),
      run: () => {
        const loop = manager.run();
        const intake = consumeDurable<Partial<L1TxRequest>>(js, nc, {
          stream: streams(cfg.NATS_NAMESPACE).l1tx,
          durable: 'eth-tx-manager',
          filterSubject: subj.l1TxRequest,
          maxAckPending: cfg.ETHTXMAN_MAX_ACK_PENDING,
          retryDelayMs: 1000,
          signal: ctx.signal,
          onError: (err) => ctx.logger.error({ err }, 'request not stored; it will be redelivered'),
          handler: async (msg) => {
            const v = validateRequest(msg);
            if (!v.ok) {
              metrics.requests.inc({ outcome: 'invalid' });
              ctx.logger.warn({ owner: v.owner, id: v.id, err: v.message }, 'invalid request');
              if (v.owner && v.id) {
                const raw = { owner: v.owner, id: v.id, to: String(msg?.to ?? ''), data: '0x', value: '0' };
                if (await store.enqueue(raw, Date.now(), invalidResult(v.owner, v.id, v.message))) manager.notify();
              }
              return;
            }
            const created = await store.enqueue(v.req, Date.now());
            metrics.requests.inc({ outcome: created ? 'accepted' : 'duplicate' });
            ctx.logger.info({ owner: v.req.owner, id: v.req.id, duplicate: !created }, created ? 'request stored' : 'repeated request id ignored');
            if (created) manager.notify();
          },
        });
        return Promise.all([loop, intake]);
      },
    });
  },
});
