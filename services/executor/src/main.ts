import { HashDbClient } from '@zkseq/grpc';
import { runService } from '@zkseq/service';
import { configSchema, executorOptions } from './config';
import { startGrpcServer } from './grpc-server';
import { Limiter } from './limiter';
import { createMetrics } from './metrics';
import { BatchExecutor } from './processor';

void runService({
  name: 'executor',
  config: configSchema,
  async start(ctx, cfg) {
    const hashdb = new HashDbClient({ address: cfg.HASHDB_URL, policy: { deadlineMs: cfg.HASHDB_DEADLINE_MS } });
    const opts = executorOptions(cfg);
    const executor = new BatchExecutor(hashdb, opts);
    const limiter = new Limiter(cfg.EXECUTOR_MAX_CONCURRENT, cfg.EXECUTOR_MAX_QUEUED);
    const metrics = createMetrics(ctx.registry, limiter);
    const server = await startGrpcServer({ executor, hashdb, metrics, flushOnPersist: opts.flushOnPersist, limiter }, cfg.EXECUTOR_GRPC_HOST, cfg.EXECUTOR_GRPC_PORT, cfg.EXECUTOR_MAX_MESSAGE_MB << 20);
    ctx.onShutdown('grpc', () => server.close());
    ctx.addReadiness({ name: 'hashdb', check: async () => (await hashdb.instanceId().catch(() => '')) !== '' });
    ctx.logger.info({ port: server.port, hashdb: cfg.HASHDB_URL }, 'executor listening');
  },
});
