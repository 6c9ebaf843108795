import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { latencyBuckets } from '@zkseq/service';

/** Where the sequencing loop spends its time (the batch-closure dashboard's time split). */
export const PHASES = ['selecting', 'executing', 'persisting', 'idle'] as const;
export type Phase = (typeof PHASES)[number];

const pctBuckets = [1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95, 100];

export function createMetrics(registry: Registry) {
  const registers = [registry];
  return {
    batchesClosed: new Counter({ name: 'sequencer_batches_closed_total', help: 'Closed batches by closing reason', labelNames: ['reason'], registers }),
    batchOpenSeconds: new Histogram({
      name: 'sequencer_batch_open_seconds', help: 'Time from a batch\'s first transaction to its closure', registers,
      buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 30, 60, 120],
    }),
    batchTxs: new Histogram({ name: 'sequencer_batch_txs', help: 'Transactions per closed batch', registers, buckets: [0, 1, 5, 10, 25, 50, 100, 150, 200, 250, 300] }),
    batchGas: new Histogram({ name: 'sequencer_batch_gas', help: 'Cumulative gas per closed batch', registers, buckets: [21_000, 1e5, 5e5, 1e6, 3e6, 6e6, 1e7, 1.5e7, 2e7, 2.5e7, 3e7] }),
    batchBytes: new Histogram({ name: 'sequencer_batch_bytes', help: 'batchL2Data bytes per closed batch', registers, buckets: [0, 1e3, 5e3, 1e4, 2e4, 4e4, 6e4, 8e4, 1e5, 1.2e5] }),
    batchUsagePct: new Histogram({
      name: 'sequencer_batch_resource_used_percent', help: 'Resource used by a closed batch as % of its limit (ZK counters with the batch overhead, gas, bytes, txs)',
      labelNames: ['resource'], registers, buckets: pctBuckets,
    }),
    openBatchUsagePct: new Gauge({ name: 'sequencer_open_batch_resource_used_percent', help: 'Resource used by the open batch as % of its limit', labelNames: ['resource'], registers }),
    phaseSeconds: new Counter({ name: 'sequencer_time_seconds_total', help: 'Sequencing loop time by phase (selecting, executing, persisting, idle)', labelNames: ['phase'], registers }),
    persisterBusySeconds: new Counter({ name: 'sequencer_persister_busy_seconds_total', help: 'Time the persister spends writing (flush waits excluded), concurrent with the loop', registers }),
    flushWaitSeconds: new Histogram({ name: 'sequencer_flush_wait_seconds', help: 'Wait for the hashdb flush covering executed transactions', registers, buckets: latencyBuckets }),
    poolPending: new Gauge({ name: 'sequencer_pool_pending', help: 'Executable transactions in the pool', registers }),
    poolQueued: new Gauge({ name: 'sequencer_pool_queued', help: 'Pool transactions behind a nonce gap', registers }),
    executorSeconds: new Histogram({ name: 'sequencer_executor_call_seconds', help: 'ProcessBatch latency', labelNames: ['kind', 'outcome'], registers, buckets: latencyBuckets }),
    skippedForResources: new Counter({ name: 'sequencer_candidates_skipped_total', help: 'Pool txs passed over in selection because their measured needs no longer fit the open batch', registers }),
    candidatesPerCall: new Histogram({ name: 'sequencer_candidates_per_call', help: 'Candidates sent in one executor call', registers, buckets: [1, 2, 5, 10, 25, 50, 100, 200, 300] }),
    inclusionSeconds: new Histogram({
      name: 'sequencer_tx_inclusion_seconds', help: 'From pool admission to the transaction\'s L2 block in the StateDB', registers,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
    }),
    txOutcomes: new Counter({ name: 'sequencer_tx_outcomes_total', help: 'Candidates by outcome (included, not-fitting, later, failed, invalid)', labelNames: ['outcome'], registers }),
    blocks: new Counter({ name: 'sequencer_l2_blocks_total', help: 'L2 blocks written to the StateDB', registers }),
    batchNumber: new Gauge({ name: 'sequencer_batch_number', help: 'Number of the open (or next) batch', registers }),
    leader: new Gauge({ name: 'sequencer_leader', help: '1 while this instance holds the lease and sequences, 0 as a standby', registers }),
    takeovers: new Counter({ name: 'sequencer_lease_acquired_total', help: 'Times this instance acquired the lease', registers }),
    resyncs: new Counter({ name: 'sequencer_resyncs_total', help: 'Times the open batch was rebuilt from the StateDB after an error', labelNames: ['cause'], registers }),
    forcedBatches: new Counter({ name: 'sequencer_forced_batches_total', help: 'Forced batches sequenced', registers }),
  };
}

export type SequencerMetrics = ReturnType<typeof createMetrics>;

/** Accumulates the loop's time per phase, for the metric and for the benchmark's printed split. */
export class TimeSplit {
  readonly seconds: Record<Phase, number> = { selecting: 0, executing: 0, persisting: 0, idle: 0 };

  constructor(private readonly metric?: SequencerMetrics['phaseSeconds']) {}

  async time<T>(phase: Phase, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      const s = (performance.now() - t0) / 1000;
      this.seconds[phase] += s;
      this.metric?.inc({ phase }, s);
    }
  }
}
