import Redis from 'ioredis';
import { ExecutorClient, HashDbClient } from '@zkseq/grpc';
import { connectNats, subjects } from '@zkseq/messaging';
import { PoolDb, type Hex } from '@zkseq/pooldb';
import { runService } from '@zkseq/service';
import { StateDb } from '@zkseq/statedb';
import { AccountStateReader, LatestRoot } from './account-state';
import { admit, type AdmissionDeps } from './admission';
import { poolConfigSchema, poolLimits, statelessRules } from './config';
import { runMaintenance } from './maintenance';
import { createPoolMetrics } from './metrics';
import { executorPreCheck } from './preexec';
import { serveSubmissions } from './server';

void runService({
  name: 'pool',
  config: poolConfigSchema,
  async start(ctx, cfg) {
    const metrics = createPoolMetrics(ctx.registry);
    const poolRedis = new Redis(cfg.POOL_REDIS_URL, { enableAutoPipelining: true, maxRetriesPerRequest: 3 });
    const stateRedis = cfg.STATE_REDIS_URL === cfg.POOL_REDIS_URL ? poolRedis : new Redis(cfg.STATE_REDIS_URL, { enableAutoPipelining: true });
    ctx.onShutdown('redis', () => {
      poolRedis.disconnect();
      if (stateRedis !== poolRedis) stateRedis.disconnect();
    });
    const pool = new PoolDb(poolRedis, { prefix: cfg.POOL_REDIS_PREFIX, limits: poolLimits(cfg), retentionSec: cfg.POOL_RETENTION_SEC });
    const state = new StateDb(stateRedis, { prefix: cfg.STATE_REDIS_PREFIX });
    await pool.blockSenders(cfg.POOL_BLOCKED_SENDERS);

    const hashdb = new HashDbClient({ address: cfg.HASHDB_URL, policy: { deadlineMs: cfg.HASHDB_TIMEOUT_MS } });
    ctx.onShutdown('hashdb', () => hashdb.close());
    let executor: ExecutorClient | undefined;
    if (cfg.POOL_PRE_EXECUTE) {
      executor = new ExecutorClient({ address: cfg.EXECUTOR_URL, policy: { deadlineMs: cfg.EXECUTOR_TIMEOUT_MS } });
      ctx.onShutdown('executor', () => executor?.close());
    }
    const latest = new LatestRoot(async () => ((await state.getLatestBlock())?.stateRoot as Hex | undefined) ?? null);
    const deps: AdmissionDeps = {
      pool,
      accounts: new AccountStateReader(hashdb, cfg.POOL_ACCOUNT_CACHE_SIZE, (cached) => metrics.stateReads.inc({ cache: cached ? 'hit' : 'miss' })),
      latestRoot: () => latest.get(),
      rules: statelessRules(cfg),
      preExecute: executor ? executorPreCheck(executor, cfg.L2_CHAIN_ID) : undefined,
    };

    const nc = await connectNats({ url: cfg.NATS_URL, name: 'pool' });
    serveSubmissions(nc, subjects(cfg.NATS_NAMESPACE), (raw) => admit(raw, deps), metrics, ctx.logger, {
      maxInFlight: cfg.POOL_MAX_IN_FLIGHT, maxBatch: cfg.POOL_MAX_SUBMIT_BATCH,
    });
    // Drain: in-flight admissions finish and get their replies before the connection closes.
    ctx.onShutdown('nats', () => nc.drain());
    ctx.addReadiness({ name: 'nats', check: () => !nc.isClosed() });
    ctx.addReadiness({ name: 'redis', check: () => poolRedis.status === 'ready' });

    void runMaintenance(
      pool, metrics, { lifetimeMs: cfg.POOL_TX_LIFETIME_SEC * 1000, intervalMs: cfg.POOL_EXPIRY_INTERVAL_MS, batch: 1000 }, ctx.logger, ctx.signal,
    );
    await nc.flush();
    ctx.logger.info({ subject: subjects(cfg.NATS_NAMESPACE).poolTxSubmit, preExecute: cfg.POOL_PRE_EXECUTE }, 'pool accepting submissions');
  },
});
