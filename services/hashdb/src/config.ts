import { z } from 'zod';
import { env, opsEnvShape } from '@zkseq/service';

export const configSchema = z.object({
  ...opsEnvShape(9161),
  HASHDB_GRPC_HOST: env.string('127.0.0.1'),
  HASHDB_GRPC_PORT: env.port(50061),
  /** LevelDB directory; created when missing. */
  HASHDB_DATA_DIR: env.string('.hashdb'),
  HASHDB_CACHE_NODES: env.int(2_000_000, 1024),
  HASHDB_BLOCK_CACHE_MB: env.int(64, 1),
  /** Touch the cache memory at start (slower start; no first-touch stalls while serving). */
  HASHDB_PREFAULT: env.bool(false),
  /** Fill the node cache from LevelDB at start (tree nodes, up to 1.5 cache generations). */
  HASHDB_WARM_CACHE: env.bool(true),
  HASHDB_MAX_CHANGES: env.int(200_000, 1),
  HASHDB_MAX_KEYS: env.int(100_000, 1),
  HASHDB_MAX_MESSAGE_MB: env.int(64, 1),
  /** Optional genesis file (zkevm-contracts genesis.json format) loaded at start. */
  HASHDB_GENESIS_FILE: z.string().optional(),
});

export type HashDbConfig = z.infer<typeof configSchema>;
