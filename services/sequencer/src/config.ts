import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { env, opsEnvShape } from '@zkseq/service';
import type { BatchLimits } from './resources';

/** Defaults: the zkevm-node v0.4.4 sequencer (fork 6), ../shared/spec/architecture.md §6. */
export const configSchema = z.object({
  ...opsEnvShape(9111),
  L2_CHAIN_ID: env.int(1001, 1),
  NATS_URL: env.string('nats://127.0.0.1:4222'),
  NATS_NAMESPACE: z.string().default(''),
  NATS_STREAM_STORAGE: z.enum(['file', 'memory']).default('file'),
  POOL_REDIS_URL: env.string('redis://127.0.0.1:6379'),
  POOL_REDIS_PREFIX: env.string('pool:'),
  STATE_REDIS_URL: env.string('redis://127.0.0.1:6379'),
  STATE_REDIS_PREFIX: env.string('state:'),
  EXECUTOR_URL: env.string('127.0.0.1:50071'),
  EXECUTOR_TIMEOUT_MS: env.int(60_000, 1),
  HASHDB_URL: env.string('127.0.0.1:50061'),
  HASHDB_TIMEOUT_MS: env.int(30_000, 1),

  /** Genesis file (libs/genesis format) of batch 0; needed to initialise an empty StateDB. */
  SEQUENCER_GENESIS_FILE: z.string().optional(),
  /** L2 coinbase: receives the fees and is the `sequencer` of every batch. */
  SEQUENCER_COINBASE: env.address(),
  /** The lease key in the StateDB's Redis (the StateDB writes check its token). */
  SEQUENCER_LEASE_KEY: env.string('lease:sequencer'),
  SEQUENCER_LEASE_TTL_MS: env.int(5_000, 300),
  /** This instance's name in the lease and logs. */
  SEQUENCER_INSTANCE: env.string(`${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`),

  SEQUENCER_BATCH_TIMEOUT_MS: env.int(10_000, 1),
  /** Close when any ZK counter or the byte budget has at most this % left. */
  SEQUENCER_CLOSE_MARGIN_PCT: z.coerce.number().min(0).max(100).default(10),
  SEQUENCER_MAX_TXS: env.int(300, 1),
  SEQUENCER_MAX_GAS: env.int(30_000_000, 21_000),
  SEQUENCER_MAX_BYTES: env.int(120_000, 200),
  SEQUENCER_MAX_STEPS: env.int(7_570_538, 1),
  SEQUENCER_MAX_KECCAK: env.int(2_145, 1),
  SEQUENCER_MAX_POSEIDON: env.int(252_357, 1),
  SEQUENCER_MAX_PADDING: env.int(135_191, 1),
  SEQUENCER_MAX_MEM_ALIGN: env.int(236_585, 1),
  SEQUENCER_MAX_ARITH: env.int(236_585, 1),
  SEQUENCER_MAX_BINARY: env.int(473_170, 1),
  /** Virtual Poseidon permutations per tree access of the executor's counter model (batch overhead). */
  SEQUENCER_COUNTERS_MCP: env.int(32, 1),

  /** Candidates tried in one ProcessBatch call. */
  SEQUENCER_CANDIDATES_PER_CALL: env.int(300, 1),
  /** Executed transactions waiting for their flush and StateDB write before selection pauses. */
  SEQUENCER_MAX_UNPERSISTED_TXS: env.int(900, 1),
  /** How often the flush status is polled while transactions wait for it. */
  SEQUENCER_FLUSH_POLL_MS: env.int(5, 1),
  /** Idle wait for new pool transactions (a pool.tx.added message ends it earlier). */
  SEQUENCER_IDLE_POLL_MS: env.int(500, 1),
  /** A forced batch seen on L1 is sequenced at the latest this long after it was seen. */
  SEQUENCER_FORCED_BATCH_DEADLINE_MS: env.int(60_000, 0),
  /** A newer L1 global exit root closes the open batch at the latest this long after it was seen (0: GERs not used). */
  SEQUENCER_GER_DEADLINE_MS: env.int(0, 0),
});

export type SequencerConfig = z.infer<typeof configSchema>;

export type SequencerOptions = {
  chainId: number;
  coinbase: string;
  limits: BatchLimits;
  closeMarginPct: number;
  batchTimeoutMs: number;
  mcp: number;
  candidatesPerCall: number;
  maxUnpersistedTxs: number;
  flushPollMs: number;
  idlePollMs: number;
  forcedBatchDeadlineMs: number;
  gerDeadlineMs: number;
};

export function batchLimits(c: SequencerConfig): BatchLimits {
  return {
    txs: c.SEQUENCER_MAX_TXS,
    gas: c.SEQUENCER_MAX_GAS,
    bytes: c.SEQUENCER_MAX_BYTES,
    counters: {
      steps: c.SEQUENCER_MAX_STEPS,
      keccakHashes: c.SEQUENCER_MAX_KECCAK,
      poseidonHashes: c.SEQUENCER_MAX_POSEIDON,
      poseidonPaddings: c.SEQUENCER_MAX_PADDING,
      memAligns: c.SEQUENCER_MAX_MEM_ALIGN,
      arithmetics: c.SEQUENCER_MAX_ARITH,
      binaries: c.SEQUENCER_MAX_BINARY,
    },
  };
}

export function sequencerOptions(c: SequencerConfig): SequencerOptions {
  return {
    chainId: c.L2_CHAIN_ID,
    coinbase: c.SEQUENCER_COINBASE.toLowerCase(),
    limits: batchLimits(c),
    closeMarginPct: c.SEQUENCER_CLOSE_MARGIN_PCT,
    batchTimeoutMs: c.SEQUENCER_BATCH_TIMEOUT_MS,
    mcp: c.SEQUENCER_COUNTERS_MCP,
    candidatesPerCall: c.SEQUENCER_CANDIDATES_PER_CALL,
    maxUnpersistedTxs: c.SEQUENCER_MAX_UNPERSISTED_TXS,
    flushPollMs: c.SEQUENCER_FLUSH_POLL_MS,
    idlePollMs: c.SEQUENCER_IDLE_POLL_MS,
    forcedBatchDeadlineMs: c.SEQUENCER_FORCED_BATCH_DEADLINE_MS,
    gerDeadlineMs: c.SEQUENCER_GER_DEADLINE_MS,
  };
}
