import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Every metric of eth-tx-manager. */
export function createMetrics(registry: Registry) {
  const registers = [registry];
  return {
    inFlight: new Gauge({ name: 'ethtxman_in_flight', help: 'Requests accepted and not yet confirmed or failed', registers }),
    requests: new Counter({ name: 'ethtxman_requests_total', help: 'Requests received, by outcome (accepted, duplicate, invalid)', labelNames: ['outcome'], registers }),
    results: new Counter({ name: 'ethtxman_results_total', help: 'Results published, by status', labelNames: ['status'], registers }),
    broadcasts: new Counter({ name: 'ethtxman_broadcasts_total', help: 'Signed transactions sent to L1 (first sends, replacements, re-sends)', registers }),
    replacements: new Counter({ name: 'ethtxman_replacements_total', help: 'Transactions re-signed with a higher fee because they were not mined in time', registers }),
    confirmationLatency: new Histogram({
      name: 'ethtxman_confirmation_latency_seconds',
      help: 'From request accepted to confirmation depth reached',
      buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
      registers,
    }),
    failures: new Counter({
      name: 'ethtxman_failures_total',
      help: 'Classified errors by reason: insufficient_funds, reverted, nonce_taken, rpc_unavailable, fee_cap_reached, invalid_request, rejected',
      labelNames: ['reason'],
      registers,
    }),
    feesPaidGwei: new Counter({ name: 'ethtxman_fees_paid_gwei_total', help: 'gasUsed × effectiveGasPrice of confirmed transactions, in gwei', registers }),
    reorged: new Counter({ name: 'ethtxman_reorged_total', help: 'Mined transactions that an L1 reorg removed and that are monitored again', registers }),
    rpcUp: new Gauge({ name: 'ethtxman_l1_rpc_up', help: '1 when the last L1 RPC call succeeded', registers }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
