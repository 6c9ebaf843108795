import { z } from 'zod';
import { env, opsEnvShape } from '@zkseq/service';
import type { GroupLimits } from './group';

export const configSchema = z.object({
  ...opsEnvShape(9107),
  NATS_URL: env.string('nats://127.0.0.1:4222'),
  NATS_NAMESPACE: z.string().default(''),
  NATS_STREAM_STORAGE: z.enum(['file', 'memory']).default('file'),
  STATE_REDIS_URL: env.string('redis://127.0.0.1:6379'),
  STATE_REDIS_PREFIX: env.string('state:'),
  /** The sender's own records, in the StateDB's Redis. */
  SEQSENDER_REDIS_PREFIX: env.string('seqsender:'),
  L1_DEPLOYMENT_FILE: env.string('.devnet/l1-deployment.json'),
  /** Defaults to the RPC URL in the deployment file. */
  L1_RPC_URL: z.string().url().optional(),
  L1_RPC_TIMEOUT_MS: env.int(10_000, 1),
  /** Owner name at eth-tx-manager; results arrive on `l1tx.result.<owner>`. */
  SEQSENDER_OWNER: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'one NATS subject token').default('sequencesender'),
  SEQSENDER_MAX_TX_BYTES: env.int(131_072, 1024),
  SEQSENDER_MAX_BATCHES: z.coerce.number().int().min(1).max(1000).default(1000),
  /** Send a group that is not full once its oldest batch has been closed this long. */
  SEQSENDER_MAX_WAIT_MS: env.int(5_000),
  SEQSENDER_POLL_MS: env.int(1_000, 10),
  /** Delay before a failed sequence is sent again; doubles per consecutive failure. */
  SEQSENDER_RETRY_BASE_MS: env.int(5_000, 1),
  SEQSENDER_RETRY_MAX_MS: env.int(120_000, 1),
});

export type Config = z.infer<typeof configSchema>;

export type SenderOptions = GroupLimits & { owner: string; pollMs: number; retryBaseMs: number; retryMaxMs: number };

export function senderOptions(c: Config): SenderOptions {
  return {
    owner: c.SEQSENDER_OWNER,
    maxTxBytes: c.SEQSENDER_MAX_TX_BYTES,
    maxBatches: c.SEQSENDER_MAX_BATCHES,
    maxWaitMs: c.SEQSENDER_MAX_WAIT_MS,
    pollMs: c.SEQSENDER_POLL_MS,
    retryBaseMs: c.SEQSENDER_RETRY_BASE_MS,
    retryMaxMs: c.SEQSENDER_RETRY_MAX_MS,
  };
}
