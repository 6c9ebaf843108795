import { mkdirSync } from 'node:fs';
import { runService } from '@zkseq/service';
import { h4ToHex, HashDb, LevelBackend } from '@zkseq/smt';
import { kernel } from '@zkseq/poseidon';
import { configSchema } from './config';
import { readGenesisFile } from './genesis';
import { startGrpcServer } from './grpc-server';
import { createMetrics } from './metrics';

void runService({
  name: 'hashdb',
  config: configSchema,
  async start(ctx, cfg) {
    mkdirSync(cfg.HASHDB_DATA_DIR, { recursive: true });
    const backend = await LevelBackend.open(cfg.HASHDB_DATA_DIR, { cacheNodes: cfg.HASHDB_CACHE_NODES, blockCacheBytes: cfg.HASHDB_BLOCK_CACHE_MB << 20, prefault: cfg.HASHDB_PREFAULT });
    const db = new HashDb(backend, { maxChanges: cfg.HASHDB_MAX_CHANGES, maxKeys: cfg.HASHDB_MAX_KEYS, maxProgramBytes: cfg.HASHDB_MAX_MESSAGE_MB << 20 });
    ctx.onShutdown('hashdb', () => db.close());
    ctx.logger.info({ dataDir: cfg.HASHDB_DATA_DIR, storedFlushId: backend.storedFlushId, instanceId: db.id, poseidonKernel: kernel.name }, 'hashdb opened');
    if (cfg.HASHDB_WARM_CACHE) ctx.logger.info({ nodes: await backend.warmCache() }, 'node cache warmed');

    if (cfg.HASHDB_GENESIS_FILE) {
      const genesis = readGenesisFile(cfg.HASHDB_GENESIS_FILE);
      const root = h4ToHex(await db.loadGenesis(genesis.accounts));
      if (genesis.root && genesis.root.toLowerCase() !== root) throw new Error(`genesis ${cfg.HASHDB_GENESIS_FILE}: computed root ${root} differs from its "root" ${genesis.root}`);
      await db.flush({ wait: true });
      ctx.logger.info({ root, accounts: genesis.accounts.length }, 'genesis loaded');
    }

    const metrics = createMetrics(ctx.registry, db.stats, backend);
    const server = await startGrpcServer(db, metrics, cfg.HASHDB_GRPC_HOST, cfg.HASHDB_GRPC_PORT, cfg.HASHDB_MAX_MESSAGE_MB << 20);
    ctx.onShutdown('grpc', () => server.close());
    ctx.addReadiness({ name: 'grpc', check: () => true });
    ctx.logger.info({ port: server.port }, 'grpc listening');
  },
});
