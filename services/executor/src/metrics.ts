import { Counter, Histogram, type Registry } from 'prom-client';
import { latencyBuckets } from '@zkseq/service';

export type ExecutorMetrics = ReturnType<typeof createMetrics>;

export function createMetrics(registry: Registry) {
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
