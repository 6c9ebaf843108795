/**
 * The only place that spells subject and stream names. A namespace (env NATS_NAMESPACE) prefixes
 * everything so that several deployments or test runs can share one NATS server.
 */
export type Namespace = string;

const BASE = {
  poolTxSubmit: 'pool.tx.submit',
  poolTxSubmitMany: 'pool.tx.submit_many',
  poolTxAdded: 'pool.tx.added',
  batchClosed: 'batch.closed',
  batchSequenced: 'batch.sequenced',
  batchVirtualized: 'batch.virtualized',
  l1TxRequest: 'l1tx.request',
  l1TxResult: 'l1tx.result',
  l2Block: 'l2.block',
  forcedBatch: 'l1.forced_batch',
} as const;

export type Subjects = {
  /** rpc → pool, request/reply in the `pool` queue group. */
  poolTxSubmit: string;
  /** rpc → pool, request/reply in the `pool` queue group: a batch of submissions. */
  poolTxSubmitMany: string;
  /** pool → sequencer wake-up hint (core NATS; losing one only delays selection). */
  poolTxAdded: string;
  /** JetStream stream BATCHES. */
  batchClosed: string;
  batchSequenced: string;
  batchVirtualized: string;
  /** JetStream stream L1TX. */
  l1TxRequest: string;
  l1TxResult(owner: string): string;
  l1TxResultAll: string;
  /** core NATS; feeds eth_subscribe("newHeads") and ("logs"). */
  l2Block: string;
  /** JetStream stream L1EVENTS: synchronizer → sequencer. */
  forcedBatch: string;
};

export type Streams = { batches: string; l1tx: string; l1events: string };

export const POOL_QUEUE_GROUP = 'pool';

function prefixed(ns: Namespace, name: string): string {
  return ns ? `${ns}.${name}` : name;
}

export function subjects(ns: Namespace = ''): Subjects {
  return {
    poolTxSubmit: prefixed(ns, BASE.poolTxSubmit),
    poolTxSubmitMany: prefixed(ns, BASE.poolTxSubmitMany),
    poolTxAdded: prefixed(ns, BASE.poolTxAdded),
    batchClosed: prefixed(ns, BASE.batchClosed),
    batchSequenced: prefixed(ns, BASE.batchSequenced),
    batchVirtualized: prefixed(ns, BASE.batchVirtualized),
    l1TxRequest: prefixed(ns, BASE.l1TxRequest),
    l1TxResult: (owner) => prefixed(ns, `${BASE.l1TxResult}.${owner}`),
    l1TxResultAll: prefixed(ns, `${BASE.l1TxResult}.*`),
    l2Block: prefixed(ns, BASE.l2Block),
    forcedBatch: prefixed(ns, BASE.forcedBatch),
  };
}

export function streams(ns: Namespace = ''): Streams {
  const p = ns ? `${ns.replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase()}_` : '';
  return { batches: `${p}BATCHES`, l1tx: `${p}L1TX`, l1events: `${p}L1EVENTS` };
}

/** Subjects captured by each stream. */
export function streamSubjects(ns: Namespace = ''): Record<keyof Streams, string[]> {
  const s = subjects(ns);
  return {
    batches: [s.batchClosed, s.batchSequenced, s.batchVirtualized],
    l1tx: [s.l1TxRequest, s.l1TxResultAll],
    l1events: [s.forcedBatch],
  };
}
