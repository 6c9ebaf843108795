import { z } from 'zod';
import { env, opsEnvShape } from '@zkseq/service';
import type { PoolLimits } from '@zkseq/pooldb';
import type { StatelessRules } from './validate';

const addressList = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((a) => a.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^0x[0-9a-f]{40}$/, 'expected comma-separated 0x-prefixed 20-byte addresses')));

export const poolConfigSchema = z.object({
  ...opsEnvShape(9101),
  L2_CHAIN_ID: env.int(1001, 1),
  NATS_URL: env.string('nats://127.0.0.1:4222'),
  NATS_NAMESPACE: z.string().default(''),
  POOL_REDIS_URL: env.string('redis://127.0.0.1:6379'),
  POOL_REDIS_PREFIX: env.string('pool:'),
  STATE_REDIS_URL: env.string('redis://127.0.0.1:6379'),
  STATE_REDIS_PREFIX: env.string('state:'),
  HASHDB_URL: env.string('127.0.0.1:50061'),
  HASHDB_TIMEOUT_MS: env.int(5_000, 1),
  POOL_MIN_GAS_PRICE: env.bigint(1_000_000_000n),
  POOL_MAX_TX_BYTES: env.int(100_132, 1),
  POOL_MAX_DATA_BYTES: env.int(100_000, 0),
  POOL_ACCOUNT_PENDING: env.int(16, 1),
  POOL_ACCOUNT_QUEUED: env.int(64, 0),
  POOL_GLOBAL_PENDING: env.int(5_120, 1),
  POOL_GLOBAL_QUEUED: env.int(1_024, 0),
  POOL_PRICE_BUMP_PERCENT: env.int(10, 0),
  POOL_NONCE_WINDOW: env.int(64, 1),
  POOL_TX_LIFETIME_SEC: env.int(3 * 3600, 1),
  POOL_RETENTION_SEC: env.int(24 * 3600, 1),
  POOL_EXPIRY_INTERVAL_MS: env.int(60_000, 100),
  POOL_BLOCKED_SENDERS: addressList,
  POOL_MAX_IN_FLIGHT: env.int(4_096, 1),
  POOL_MAX_SUBMIT_BATCH: env.int(1_000, 1),
  POOL_ACCOUNT_CACHE_SIZE: env.int(100_000, 1),
  POOL_PRE_EXECUTE: env.bool(false),
  EXECUTOR_URL: env.string('127.0.0.1:50071'),
  EXECUTOR_TIMEOUT_MS: env.int(10_000, 1),
});

export type PoolConfig = z.infer<typeof poolConfigSchema>;

export function statelessRules(c: PoolConfig): StatelessRules {
  return { chainId: c.L2_CHAIN_ID, maxTxBytes: c.POOL_MAX_TX_BYTES, maxDataBytes: c.POOL_MAX_DATA_BYTES, minGasPrice: c.POOL_MIN_GAS_PRICE };
}

export function poolLimits(c: PoolConfig): PoolLimits {
  return {
    accountPending: c.POOL_ACCOUNT_PENDING,
    accountQueued: c.POOL_ACCOUNT_QUEUED,
    globalPending: c.POOL_GLOBAL_PENDING,
    globalQueued: c.POOL_GLOBAL_QUEUED,
    priceBumpPercent: c.POOL_PRICE_BUMP_PERCENT,
    nonceWindow: c.POOL_NONCE_WINDOW,
  };
}
