import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { env, opsEnvShape } from '@zkseq/service';

export const CRASH_POINTS = ['after-sign', 'after-broadcast'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export const configSchema = z.object({
  ...opsEnvShape(9106),
  NATS_URL: env.string('nats://127.0.0.1:4222'),
  NATS_NAMESPACE: z.string().default(''),
  NATS_STREAM_STORAGE: z.enum(['file', 'memory']).default('file'),
  REDIS_URL: env.string('redis://127.0.0.1:6379'),
  ETHTXMAN_REDIS_PREFIX: env.string('l1tx:'),
  L1_RPC_URL: env.url('http://127.0.0.1:8545'),
  L1_CHAIN_ID: z.coerce.number().int().positive().optional(),
  ETHTXMAN_PRIVATE_KEY: z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, 'expected a 32-byte hex private key').optional(),
  ETHTXMAN_PRIVATE_KEY_FILE: z.string().optional(),
  ETHTXMAN_CONFIRMATIONS: env.int(6, 1),
  ETHTXMAN_RESEND_AFTER_MS: env.int(48_000, 1),
  ETHTXMAN_FEE_BUMP_PCT: env.int(10, 10),
  ETHTXMAN_MAX_FEE_MULTIPLIER: z.coerce.number().min(1).default(5),
  ETHTXMAN_MAX_FEE_PER_GAS_WEI: z.coerce.bigint().positive().optional(),
  ETHTXMAN_GAS_MARGIN_PCT: env.int(20),
  ETHTXMAN_POLL_MS: env.int(1000, 10),
  ETHTXMAN_MAX_BACKOFF_MS: env.int(30_000, 10),
  ETHTXMAN_RPC_TIMEOUT_MS: env.int(5000, 1),
  ETHTXMAN_MAX_IN_FLIGHT: env.int(16, 1),
  ETHTXMAN_REORG_WATCH_BLOCKS: env.int(64, 1),
  ETHTXMAN_RETENTION_S: env.int(7 * 24 * 3600, 1),
  ETHTXMAN_MAX_ACK_PENDING: env.int(256, 1),
  /** Test hook: SIGKILL itself at this point of the first send, to prove crash safety. */
  ETHTXMAN_CRASH_AT: z.enum(CRASH_POINTS).optional(),
});

export type Config = z.infer<typeof configSchema>;

export type ManagerOptions = {
  chainId?: number;
  confirmations: number;
  resendAfterMs: number;
  feeBumpPct: number;
  maxFeeMultiplier: number;
  maxFeePerGasWei?: bigint;
  gasMarginPct: number;
  pollMs: number;
  maxBackoffMs: number;
  maxInFlight: number;
  reorgWatchBlocks: number;
  crashAt?: CrashPoint;
};

export function managerOptions(c: Config): ManagerOptions {
  return {
    chainId: c.L1_CHAIN_ID,
    confirmations: c.ETHTXMAN_CONFIRMATIONS,
    resendAfterMs: c.ETHTXMAN_RESEND_AFTER_MS,
    feeBumpPct: c.ETHTXMAN_FEE_BUMP_PCT,
    maxFeeMultiplier: c.ETHTXMAN_MAX_FEE_MULTIPLIER,
    maxFeePerGasWei: c.ETHTXMAN_MAX_FEE_PER_GAS_WEI,
    gasMarginPct: c.ETHTXMAN_GAS_MARGIN_PCT,
    pollMs: c.ETHTXMAN_POLL_MS,
    maxBackoffMs: c.ETHTXMAN_MAX_BACKOFF_MS,
    maxInFlight: c.ETHTXMAN_MAX_IN_FLIGHT,
    reorgWatchBlocks: c.ETHTXMAN_REORG_WATCH_BLOCKS,
    crashAt: c.ETHTXMAN_CRASH_AT,
  };
}

/** The L1 key, from ETHTXMAN_PRIVATE_KEY or the file named by ETHTXMAN_PRIVATE_KEY_FILE (a mounted secret). */
export function loadPrivateKey(c: Config): string {
  let key = c.ETHTXMAN_PRIVATE_KEY;
  if (!key && c.ETHTXMAN_PRIVATE_KEY_FILE) {
    try {
      key = readFileSync(c.ETHTXMAN_PRIVATE_KEY_FILE, 'utf8').trim();
    } catch (err) {
      throw new Error(`ETHTXMAN_PRIVATE_KEY_FILE: cannot read ${c.ETHTXMAN_PRIVATE_KEY_FILE} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (!key) throw new Error('ETHTXMAN_PRIVATE_KEY or ETHTXMAN_PRIVATE_KEY_FILE must be set');
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key)) throw new Error('the L1 private key is not 32 bytes of hex');
  return key.startsWith('0x') ? key : `0x${key}`;
}
