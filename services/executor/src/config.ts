import { z } from 'zod';
import { env, opsEnvShape } from '@zkseq/service';

export const configSchema = z.object({
  ...opsEnvShape(9171),
  EXECUTOR_GRPC_HOST: env.string('127.0.0.1'),
  EXECUTOR_GRPC_PORT: env.port(50071),
  /** host:port of the hashdb gRPC service. */
  HASHDB_URL: env.string('127.0.0.1:50061'),
  HASHDB_DEADLINE_MS: env.int(10_000, 1),
  /** Largest batchL2Data accepted (the ROM assumes < 300 000 bytes; L1 caps sequenced batches at 120 000). */
  EXECUTOR_MAX_BATCH_BYTES: env.int(300_000, 1),
  EXECUTOR_MAX_MESSAGE_MB: env.int(16, 1),
  /** Ask the hashdb for a flush id after each persisted batch (the sequencer's durability rule needs it). */
  EXECUTOR_FLUSH_ON_PERSIST: env.bool(true),
  /** Requests executing at once (one EVM and leaf overlay each), and how many more may wait. */
  EXECUTOR_MAX_CONCURRENT: env.int(2, 1),
  EXECUTOR_MAX_QUEUED: env.int(64, 0),
  /** MCP of the counter model: virtual Poseidon permutations per state-tree access. */
  EXECUTOR_COUNTERS_MCP: env.int(32, 1),
  /**
   * A persisting request sends its state changes to the hashdb every this many transactions while
   * it executes on, so tree updates overlap execution; the call ends one chunk after the last tx.
   */
  EXECUTOR_CHUNK_STEPS: env.int(64, 1),
});

export type ExecutorConfig = z.infer<typeof configSchema>;

export function executorOptions(cfg: ExecutorConfig) {
  return { maxBatchBytes: cfg.EXECUTOR_MAX_BATCH_BYTES, mcp: cfg.EXECUTOR_COUNTERS_MCP, flushOnPersist: cfg.EXECUTOR_FLUSH_ON_PERSIST, chunkSteps: cfg.EXECUTOR_CHUNK_STEPS };
}
