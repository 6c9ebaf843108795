import { z } from 'zod';
import { env, opsEnvShape } from '@zkseq/service';

export const configSchema = z.object({
  ...opsEnvShape(9108),
  NATS_URL: env.string('nats://127.0.0.1:4222'),
  NATS_NAMESPACE: z.string().default(''),
  NATS_STREAM_STORAGE: z.enum(['file', 'memory']).default('file'),
  STATE_REDIS_URL: env.string('redis://127.0.0.1:6379'),
  STATE_REDIS_PREFIX: env.string('state:'),
  /** The synchronizer's own keys (L1 cursor and block hashes), in the StateDB's Redis. */
  SYNC_REDIS_PREFIX: env.string('sync:'),
  L1_DEPLOYMENT_FILE: env.string('.devnet/l1-deployment.json'),
  /** Defaults to the RPC URL in the deployment file. */
  L1_RPC_URL: z.string().url().optional(),
  L1_RPC_TIMEOUT_MS: env.int(10_000, 1),
  /** Blocks behind the L1 head that are read; 0 follows the head (reorgs are rolled back either way). */
  SYNC_L1_CONFIRMATIONS: env.int(0),
  /** Most blocks one eth_getLogs call covers. */
  SYNC_CHUNK_BLOCKS: env.int(1_000, 1),
  SYNC_POLL_MS: env.int(500, 10),
  /** How many processed L1 block hashes are kept to find a reorg's common ancestor. */
  SYNC_KEEP_BLOCKS: env.int(1_000, 1),
});

export type Config = z.infer<typeof configSchema>;

export type SyncOptions = { confirmations: number; chunkBlocks: number; pollMs: number; keepBlocks: number };

export function syncOptions(c: Config): SyncOptions {
  return { confirmations: c.SYNC_L1_CONFIRMATIONS, chunkBlocks: c.SYNC_CHUNK_BLOCKS, pollMs: c.SYNC_POLL_MS, keepBlocks: c.SYNC_KEEP_BLOCKS };
}
