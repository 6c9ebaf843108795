import { z } from 'zod';
import { env, opsEnvShape } from '@zkseq/service';
import type { RpcSettings } from './backend';

export const rpcConfigSchema = z.object({
  ...opsEnvShape(9102),
  RPC_HOST: env.string('127.0.0.1'),
  RPC_PORT: env.port(8123),
  L2_CHAIN_ID: env.int(1001, 1),
  NATS_URL: env.string('nats://127.0.0.1:4222'),
  NATS_NAMESPACE: z.string().default(''),
  STATE_REDIS_URL: env.string('redis://127.0.0.1:6379'),
  STATE_REDIS_PREFIX: env.string('state:'),
  POOL_REDIS_URL: env.string('redis://127.0.0.1:6379'),
  POOL_REDIS_PREFIX: env.string('pool:'),
  RPC_FILTER_PREFIX: env.string('rpc:filter:'),
  RPC_FILTER_TTL_SEC: env.int(300, 1),
  HASHDB_URL: env.string('127.0.0.1:50061'),
  HASHDB_TIMEOUT_MS: env.int(5_000, 1),
  EXECUTOR_URL: env.string('127.0.0.1:50071'),
  /** false: no executor; eth_call / eth_estimateGas answer "no executor configured". */
  RPC_EXECUTOR_ENABLED: env.bool(true),
  RPC_GAS_PRICE: env.bigint(1_000_000_000n),
  RPC_MAX_BATCH: env.int(100, 1),
  RPC_MAX_BODY_BYTES: env.int(5 * 1024 * 1024, 1024),
  /** Calls per second per client IP (0 = no limit), and the burst allowed above it. */
  RPC_RATE_LIMIT_PER_SEC: env.int(1_000, 0),
  RPC_RATE_LIMIT_BURST: env.int(2_000, 1),
  RPC_MAX_LOG_BLOCK_RANGE: env.int(10_000, 1),
  RPC_CALL_GAS_CAP: env.bigint(30_000_000n),
  RPC_CALL_TIMEOUT_MS: env.int(5_000, 1),
  RPC_SUBMIT_TIMEOUT_MS: env.int(10_000, 1),
  /** Submissions sent to the pool together at most (those of one event-loop turn; keep ≤ the pool's POOL_MAX_SUBMIT_BATCH). */
  RPC_SUBMIT_BATCH: env.int(256, 1),
  RPC_WS_MAX_BUFFERED_BYTES: env.int(16 * 1024 * 1024, 1024),
  RPC_STATE_CACHE_SIZE: env.int(100_000, 1),
});

export type RpcConfig = z.infer<typeof rpcConfigSchema>;

export function rpcSettings(c: RpcConfig, version: string): RpcSettings {
  return {
    chainId: c.L2_CHAIN_ID,
    gasPrice: c.RPC_GAS_PRICE,
    clientVersion: `zkseq/v${version}/node${process.versions.node}`,
    maxLogBlockRange: c.RPC_MAX_LOG_BLOCK_RANGE,
    callGasCap: c.RPC_CALL_GAS_CAP,
    callTimeoutMs: c.RPC_CALL_TIMEOUT_MS,
  };
}
