import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Every metric of the synchronizer. */
export function createMetrics(registry: Registry) {
  const registers = [registry];
  return {
    l1Block: new Gauge({ name: 'sync_l1_block', help: 'Last L1 block processed', registers }),
    l1Head: new Gauge({ name: 'sync_l1_head', help: 'L1 head seen on the last pass', registers }),
    lastVirtualBatch: new Gauge({ name: 'sync_last_virtual_batch', help: 'Last virtual batch', registers }),
    sequencedNotVirtual: new Gauge({ name: 'sync_sequenced_not_virtual_batches', help: 'Batches the rollup holds that are not virtual yet', registers }),
    virtualized: new Counter({ name: 'sync_virtualized_batches_total', help: 'Batches marked virtual', registers }),
    virtualizationLatency: new Histogram({
      name: 'sync_virtualization_latency_seconds', help: 'Time from a batch closing to it becoming virtual', buckets: [0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 60, 120, 300], registers,
    }),
    sequences: new Counter({ name: 'sync_sequences_total', help: 'Sequencing events processed by kind', labelNames: ['kind'], registers }),
    gerUpdates: new Counter({ name: 'sync_ger_updates_total', help: 'Latest global exit roots recorded for the sequencer', registers }),
    forcedBatches: new Counter({ name: 'sync_forced_batches_total', help: 'ForceBatch events handed to the sequencer', registers }),
    reorgs: new Counter({ name: 'sync_l1_reorgs_total', help: 'L1 reorgs detected', registers }),
    rolledBack: new Counter({ name: 'sync_rolled_back_batches_total', help: 'Virtual batches rolled back to closed by L1 reorgs', registers }),
    mismatches: new Counter({ name: 'sync_mismatches_total', help: 'L1 disagreeing with the trusted state, by error code', labelNames: ['code'], registers }),
    halted: new Gauge({ name: 'sync_halted', help: '1 while sequencing is halted because L1 disagrees with the trusted state', registers }),
    l1RpcErrors: new Counter({ name: 'sync_l1_rpc_errors_total', help: 'Passes that failed on L1 JSON-RPC or Redis', registers }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
