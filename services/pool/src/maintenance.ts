import type { PoolDb } from '@zkseq/pooldb';
import { sleep, type Logger } from '@zkseq/service';
import type { PoolMetrics } from './metrics';

export type MaintenanceOptions = { lifetimeMs: number; intervalMs: number; batch: number };

/**
 * Fails pending transactions older than their lifetime and refreshes the pool-size gauges. Every
 * replica runs it; the expiry script is idempotent, so concurrent runs only share the work.
 */
export async function runMaintenance(pool: PoolDb, metrics: PoolMetrics, opts: MaintenanceOptions, logger: Logger, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    let expired = 0;
    try {
      expired = await pool.expire(opts.lifetimeMs, Date.now(), opts.batch);
      metrics.expired.inc(expired);
      if (expired > 0) logger.info({ expired }, 'expired pending transactions');
      const counts = await pool.counts();
      metrics.pending.set(counts.pending);
      metrics.queued.set(counts.queued);
    } catch (err) {
      logger.warn({ err }, 'pool maintenance failed; retrying next round');
    }
    // A full batch means more may be waiting: go again at once.
    if (expired < opts.batch) await sleep(opts.intervalMs, signal).catch(() => undefined);
  }
}
