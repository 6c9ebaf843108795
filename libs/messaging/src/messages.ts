/**
 * Message bodies, JSON-encoded. Quantities that may exceed 2^53 (wei, gas prices) are decimal
 * strings; hashes, addresses and byte strings are 0x-hex.
 */
export type Hex = `0x${string}`;

export type PoolTxSubmitRequest = { rawTx: Hex };
export type PoolTxSubmitReply =
  | { ok: true; hash: Hex }
  | { ok: false; code: string; message: string; data?: unknown };

/** Several submissions in one request (rpc coalesces what arrives in one event-loop turn); replies in the same order. */
export type PoolTxSubmitManyRequest = { rawTxs: Hex[] };
export type PoolTxSubmitManyReply = { replies: PoolTxSubmitReply[] };

export type PoolTxAdded = { hash: Hex; from: Hex; nonce: number; gasPrice: string };

export type BatchClosed = {
  batchNumber: number;
  stateRoot: Hex;
  accInputHash: Hex;
  localExitRoot: Hex;
  globalExitRoot: Hex;
  timestamp: number;
  coinbase: Hex;
  txCount: number;
  closingReason: string;
};

export type BatchSequenced = { fromBatch: number; toBatch: number; l1TxHash: Hex; requestId: string };

export type BatchVirtualized = { batchNumber: number; l1BlockNumber: number; l1TxHash: Hex; accInputHash: Hex };

/** A request to get one L1 transaction mined; `id` makes it idempotent per owner. */
export type L1TxRequest = {
  owner: string;
  id: string;
  to: Hex;
  data: Hex;
  value?: string;
  gasLimit?: string;
};

/**
 * Outcome of an L1TxRequest on `l1tx.result.<owner>`. An L1 reorg can make eth-tx-manager publish
 * a newer result for the same id (another block hash): the latest one wins.
 */
export type L1TxResult = {
  owner: string;
  id: string;
  status: 'confirmed' | 'failed';
  txHash?: Hex;
  blockNumber?: number;
  blockHash?: Hex;
  gasUsed?: string;
  /** L1 nonce the transaction used (eth-tx-manager). */
  nonce?: number;
  error?: { code: string; message: string };
};

export type L2BlockAnnounced = {
  number: number;
  hash: Hex;
  parentHash: Hex;
  stateRoot: Hex;
  timestamp: number;
  batchNumber: number;
  txHash: Hex;
};

export type ForcedBatchSeen = {
  forceBatchNum: number;
  globalExitRoot: Hex;
  timestamp: number;
  transactions: Hex;
  sequencer: Hex;
  l1BlockNumber: number;
};
