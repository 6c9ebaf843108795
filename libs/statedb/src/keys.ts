/** Redis key layout of the StateDB under one prefix (default `state:`). */
export function stateKeys(prefix: string) {
  return {
    head: `${prefix}head`,
    /** Set by the synchronizer when L1 disagrees with the trusted state; sequencing stops while it exists. */
    halt: `${prefix}halt`,
    batch: (n: number) => `${prefix}batch:${n}`,
    batchData: (n: number) => `${prefix}batch:${n}:data`,
    batchTxs: (n: number) => `${prefix}batch:${n}:txs`,
    block: (n: number) => `${prefix}block:${n}`,
    blockByHash: (hash: string) => `${prefix}blockhash:${hash.toLowerCase()}`,
    tx: (hash: string) => `${prefix}tx:${hash.toLowerCase()}`,
    logBlocks: `${prefix}logs:blocks`,
    logAddress: (address: string) => `${prefix}logs:addr:${address.toLowerCase()}`,
    /** HASH forceBatchNum → ForcedBatch JSON: forced batches seen on L1, for the sequencer. */
    forcedBatches: `${prefix}forced`,
    /** The latest global exit root known from L1 (JSON LatestGer), for the sequencer's next batch. */
    latestGer: `${prefix}ger:latest`,
  };
}

export type StateKeys = ReturnType<typeof stateKeys>;
