import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Every metric of the sequence-sender. */
export function createMetrics(registry: Registry) {
  const registers = [registry];
  return {
    closedNotSequenced: new Gauge({ name: 'seqsender_closed_not_sequenced_batches', help: 'Closed batches not yet handed to eth-tx-manager', registers }),
    oldestUnsentAge: new Gauge({ name: 'seqsender_oldest_unsent_age_seconds', help: 'How long the oldest closed, unsent batch has been closed', registers }),
    inFlight: new Gauge({ name: 'seqsender_in_flight_sequences', help: 'Sequences handed to eth-tx-manager without a result (0 or 1)', registers }),
    l1Behind: new Gauge({ name: 'seqsender_l1_missing_batches', help: 'Batches this sender sent that L1 does not hold now (an L1 reorg undid them; eth-tx-manager sends them again)', registers }),
    halted: new Gauge({ name: 'seqsender_halted', help: '1 while the StateDB halt flag stops sequencing', registers }),
    sequences: new Counter({ name: 'seqsender_sequences_total', help: 'Sequence requests by event (submitted, confirmed, moved by an L1 reorg, failed)', labelNames: ['event'], registers }),
    batchesSequenced: new Counter({ name: 'seqsender_batches_sequenced_total', help: 'Batches in confirmed sequences', registers }),
    batchesPerSequence: new Histogram({ name: 'seqsender_batches_per_sequence', help: 'Batches in one sequenceBatches call', buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000], registers }),
    groupStops: new Counter({ name: 'seqsender_group_stop_total', help: 'Why a sent group ended where it did', labelNames: ['reason'], registers }),
    l1BytesPerBatch: new Histogram({ name: 'seqsender_l1_bytes_per_batch', help: 'sequenceBatches calldata bytes per batch', buckets: [256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072], registers }),
    l1GasPerBatch: new Histogram({ name: 'seqsender_l1_gas_per_batch', help: 'L1 gas used by a confirmed sequence, per batch', buckets: [5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6], registers }),
    l1RpcErrors: new Counter({ name: 'seqsender_l1_rpc_errors_total', help: 'Failed passes because L1 JSON-RPC failed', registers }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
