import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Limiter } from './limiter';
import { latencyBuckets } from '@zkseq/service';

export type ExecutorMetrics = ReturnType<typeof createMetrics>;

export function createMetrics(registry: Registry, limiter?: Limiter) {
  if (limiter) {
    new Gauge({ name: 'executor_queue_length', help: 'ProcessBatch requests waiting for an execution slot', registers: [registry], collect() { this.set(limiter.queueLength); } });
    new Counter({ name: 'executor_rejected_total', help: 'requests refused because the queue was full', registers: [registry], collect() { this.reset(); this.inc(limiter.rejected); } });
  }
  return {
    requests: new Counter({ name: 'executor_requests_total', help: 'gRPC calls by method and status', labelNames: ['method', 'status'], registers: [registry] }),
    latency: new Histogram({ name: 'executor_request_seconds', help: 'gRPC call duration', labelNames: ['method'], buckets: latencyBuckets, registers: [registry] }),
    txs: new Counter({ name: 'executor_txs_total', help: 'transactions processed by outcome', labelNames: ['outcome'], registers: [registry] }),
    hashdbCallsPerTx: new Histogram({
      name: 'executor_hashdb_calls_per_tx',
      help: 'hashdb round trips of a ProcessBatch request divided by its transactions',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10],
      registers: [registry],
    }),
    hashdbCalls: new Counter({ name: 'executor_hashdb_calls_total', help: 'hashdb round trips', registers: [registry] }),
    batchErrors: new Counter({ name: 'executor_batch_rom_errors_total', help: 'batches ending with a batch-level ROM error', labelNames: ['error'], registers: [registry] }),
  };
}
