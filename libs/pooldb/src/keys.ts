/**
 * Redis key layout of the pool DB under one prefix (default `pool:`). The Lua scripts derive the
 * same names from the prefix, so the pool DB needs one Redis instance (not a cluster).
 */
export function poolKeys(prefix: string) {
  return {
    /**
     * HASH: the transaction record. What the scripts use has its own field (hash, from, nonce,
     * gasPrice, receivedAt, status, reason, updatedAt); the rest is one JSON field, `data`.
     */
    tx: (hash: string) => `${prefix}tx:${hash}`,
    /** ZSET nonce → hash of a sender's pending transactions. */
    sender: (address: string) => `${prefix}sender:${address}`,
    /** HASH: nonce (next nonce the pool expects), pending / queued counts, head (executable tx). */
    account: (address: string) => `${prefix}acct:${address}`,
    /** ZSET gasPrice → hash: each sender's executable head transaction. */
    ready: `${prefix}ready`,
    /** ZSET receivedAt → hash of every pending transaction (expiry). */
    expiry: `${prefix}expiry`,
    /** HASH: global pending / queued counts. */
    counts: `${prefix}counts`,
    /** SET of blocked sender addresses. */
    blocked: `${prefix}blocked`,
  };
}

export type PoolKeys = ReturnType<typeof poolKeys>;
