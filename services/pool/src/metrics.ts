import { latencyBuckets } from '@zkseq/service';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Every metric of the pool service. */
export function createPoolMetrics(registry: Registry) {
  const registers = [registry];
  return {
    submissions: new Counter({
      name: 'pool_submissions_total', help: 'Submitted transactions by result (accepted or the pool error code)', labelNames: ['result'], registers,
    }),
    admissionSeconds: new Histogram({ name: 'pool_admission_seconds', help: 'Time to admit or reject one submission', buckets: latencyBuckets, registers }),
    inFlight: new Gauge({ name: 'pool_submissions_in_flight', help: 'Submissions being admitted by this replica', registers }),
    busyRejections: new Counter({ name: 'pool_busy_rejections_total', help: 'Submissions refused because maxInFlight was reached', registers }),
    replaced: new Counter({ name: 'pool_replacements_total', help: 'Pending transactions replaced by a higher-priced one', registers }),
    expired: new Counter({ name: 'pool_expired_total', help: 'Pending transactions failed after their lifetime', registers }),
    stateReads: new Counter({ name: 'pool_account_reads_total', help: 'Account state reads by cache outcome', labelNames: ['cache'], registers }),
    pending: new Gauge({ name: 'pool_pending_txs', help: 'Executable pending transactions in the pool DB (all replicas)', registers }),
    queued: new Gauge({ name: 'pool_queued_txs', help: 'Pending transactions behind a nonce gap (all replicas)', registers }),
  };
}

export type PoolMetrics = ReturnType<typeof createPoolMetrics>;
