import Redis from 'ioredis';
import { CodedError, RpcErrorCode } from '@zkseq/errors';
import { ExecutorClient, GrpcCallError, HashDbClient } from '@zkseq/grpc';
import { connectNats, decode, subjects, type L2BlockAnnounced } from '@zkseq/messaging';
import { PoolDb } from '@zkseq/pooldb';
import { LeafReader } from '@zkseq/smt';
import { runService } from '@zkseq/service';
import { StateDb } from '@zkseq/statedb';
import type { RpcBackend } from './backend';
import { ExecutorCalls } from './call-executor';
import { rpcConfigSchema, rpcSettings } from './config';
import { FilterStore } from './filters';
import { Dispatcher } from './jsonrpc';
import { createRpcMetrics } from './metrics';
import { allMethods } from './methods';
import { RateLimiter } from './rate-limit';
import { startRpcServer } from './server';
import { poolSubmitter } from './submit';
import { SubscriptionHub } from './subscriptions';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

void runService({
  name: 'rpc',
  config: rpcConfigSchema,
  async start(ctx, cfg) {
    const metrics = createRpcMetrics(ctx.registry);
    const stateRedis = new Redis(cfg.STATE_REDIS_URL, { enableAutoPipelining: true, maxRetriesPerRequest: 3 });
    const poolRedis = cfg.POOL_REDIS_URL === cfg.STATE_REDIS_URL ? stateRedis : new Redis(cfg.POOL_REDIS_URL, { enableAutoPipelining: true });
    ctx.onShutdown('redis', () => {
      stateRedis.disconnect();
      if (poolRedis !== stateRedis) poolRedis.disconnect();
    });
    const hashdb = new HashDbClient({ address: cfg.HASHDB_URL, policy: { deadlineMs: cfg.HASHDB_TIMEOUT_MS } });
    ctx.onShutdown('hashdb', () => hashdb.close());
    let executor: ExecutorClient | null = null;
    if (cfg.RPC_EXECUTOR_ENABLED) {
      executor = new ExecutorClient({ address: cfg.EXECUTOR_URL, policy: { deadlineMs: cfg.RPC_CALL_TIMEOUT_MS } });
      ctx.onShutdown('executor', () => executor?.close());
    }
    const nc = await connectNats({ url: cfg.NATS_URL, name: 'rpc', noAsyncTraces: true });
    const subs = subjects(cfg.NATS_NAMESPACE);

    const state = new StateDb(stateRedis, { prefix: cfg.STATE_REDIS_PREFIX, maxLogBlockRange: cfg.RPC_MAX_LOG_BLOCK_RANGE });
    const backend: RpcBackend = {
      state,
      pool: new PoolDb(poolRedis, { prefix: cfg.POOL_REDIS_PREFIX }),
      leaves: new LeafReader(hashdb, cfg.RPC_STATE_CACHE_SIZE),
      hashdb,
      executor: executor ? new ExecutorCalls(executor, cfg.L2_CHAIN_ID) : null,
      submitTx: poolSubmitter(nc, subs, cfg.RPC_SUBMIT_TIMEOUT_MS, cfg.RPC_SUBMIT_BATCH),
      filters: new FilterStore(stateRedis, cfg.RPC_FILTER_PREFIX, cfg.RPC_FILTER_TTL_SEC),
      settings: rpcSettings(cfg, version),
    };

    const hub = new SubscriptionHub(state, metrics, ctx.logger, { maxBufferedBytes: cfg.RPC_WS_MAX_BUFFERED_BYTES, maxCatchUp: 1000 });
    await hub.start();
    const blocks = nc.subscribe(subs.l2Block, { callback: (err, msg) => (err ? ctx.logger.warn({ err }, 'l2.block subscription') : hub.onAnnounced(decode<L2BlockAnnounced>(msg.data))) });

    // A backend that cannot be reached is the client's -32000 "unavailable", not an internal error.
    const translateError = (err: unknown) => (err instanceof GrpcCallError ? new CodedError(RpcErrorCode.Unavailable, `backend unavailable: ${err.message}`) : err);
    const dispatcher = new Dispatcher(allMethods(backend), { maxBatch: cfg.RPC_MAX_BATCH, translateError }, ctx.logger, metrics.observer);
    const server = await startRpcServer(dispatcher, new RateLimiter(cfg.RPC_RATE_LIMIT_PER_SEC, cfg.RPC_RATE_LIMIT_BURST), hub, metrics, ctx.logger, {
      host: cfg.RPC_HOST, port: cfg.RPC_PORT, maxBodyBytes: cfg.RPC_MAX_BODY_BYTES,
    });
    ctx.onShutdown('nats', async () => {
      blocks.unsubscribe();
      await nc.drain();
    });
    ctx.onShutdown('http', () => server.close());
    ctx.addReadiness({ name: 'nats', check: () => !nc.isClosed() });
    ctx.addReadiness({ name: 'redis', check: () => stateRedis.status === 'ready' });
    ctx.logger.info({ port: server.port, host: cfg.RPC_HOST }, 'json-rpc listening');
  },
});
