/**
 * Records kept in the StateDB. Quantities are 0x-hex strings (JSON-RPC style) unless they are
 * small counters; hashes, addresses and byte strings are 0x-hex.
 */
export type Hex = `0x${string}`;

export type BatchStatus = 'open' | 'closed' | 'virtual';

/** Resources a batch has used, compared against the batch limits by the sequencer. */
export type BatchResources = {
  gasUsed: number;
  bytes: number;
  txCount: number;
  counters: Record<string, number>;
};

export type Batch = {
  number: number;
  coinbase: Hex;
  /** Batch timestamp (seconds), fixed when the batch opens. */
  timestamp: number;
  globalExitRoot: Hex;
  /** State root after the last transaction so far (the batch's final root once closed). */
  stateRoot: Hex;
  localExitRoot: Hex;
  /** Set when the batch closes: accumulated input hash over the batch's L2 data. */
  accInputHash: Hex | null;
  /** Concatenated batch-encoded transactions so far. */
  batchL2Data: Hex;
  status: BatchStatus;
  closingReason: string | null;
  resources: BatchResources;
  openedAt: number;
  closedAt: number | null;
  /** Forced batch number when the batch sequences a forced batch. */
  forcedBatchNum: number | null;
  /** L1 transaction that carried the batch in sequenceBatches (set by the sequence-sender). */
  sendSequencesTxHash: Hex | null;
  /** L1 block in which the batch became virtual (set by the synchronizer). */
  virtualL1Block: number | null;
};

export type StoredLog = {
  address: Hex;
  topics: Hex[];
  data: Hex;
  /** Position within the block (= within the transaction before etrog). */
  logIndex: number;
};

export type StoredReceipt = {
  status: 0 | 1;
  gasUsed: Hex;
  cumulativeGasUsed: Hex;
  contractAddress: Hex | null;
  logs: StoredLog[];
  logsBloom: Hex;
  effectiveGasPrice: Hex;
  /** ROM error name when the execution failed (e.g. EXECUTION_REVERTED). */
  romError: string | null;
};

export type StoredTx = {
  hash: Hex;
  from: Hex;
  to: Hex | null;
  nonce: Hex;
  gasPrice: Hex;
  gas: Hex;
  value: Hex;
  input: Hex;
  v: Hex;
  r: Hex;
  s: Hex;
  chainId: Hex | null;
  /** Standard signed Ethereum legacy encoding. */
  raw: Hex;
  effectivePercentage: number;
  blockNumber: number;
  blockHash: Hex;
  batchNumber: number;
  receipt: StoredReceipt;
};

export type StoredBlock = {
  number: number;
  hash: Hex;
  parentHash: Hex;
  stateRoot: Hex;
  transactionsRoot: Hex;
  receiptsRoot: Hex;
  logsBloom: Hex;
  miner: Hex;
  gasLimit: Hex;
  gasUsed: Hex;
  timestamp: number;
  extraData: Hex;
  size: number;
  batchNumber: number;
  /** One transaction per block before etrog; empty only for the genesis block. */
  transactions: Hex[];
};

export type Heads = {
  lastBatch: number;
  lastClosedBatch: number;
  lastVirtualBatch: number;
  lastVerifiedBatch: number;
  lastBlock: number;
  /** Highest forced batch number sequenced into a closed batch (0 when none). */
  lastForcedBatch: number;
};

/** A forced batch seen on L1 (ForceBatch event), waiting for the sequencer. */
export type ForcedBatch = {
  forceBatchNum: number;
  globalExitRoot: Hex;
  /** L1 block timestamp of the ForceBatch event (seconds): the batch's minForcedTimestamp. */
  timestamp: number;
  transactions: Hex;
  l1BlockNumber: number;
  /** When the sequencer's side first saw it (ms): its forced-batch deadline counts from here. */
  seenAt: number;
};

/** The newest global exit root from L1 that a new batch should use. */
export type LatestGer = {
  globalExitRoot: Hex;
  /** L1 timestamp of the GER update (seconds). */
  timestamp: number;
  /** When it was recorded (ms): the sequencer's GER deadline counts from here. */
  seenAt: number;
};

/**
 * Sequencing is halted: L1 holds batch data, or an accInputHash, that differs from the trusted
 * state (a trusted reorg). Writers of new batches and sequences must stop until an operator
 * resolves it and clears the flag.
 */
export type Halt = {
  /** Which service raised it, e.g. `synchronizer`. */
  source: string;
  reason: string;
  batchNumber: number | null;
  l1BlockNumber: number | null;
  /** Milliseconds since the epoch. */
  at: number;
  details?: Record<string, unknown>;
};

export type LogFilter = {
  fromBlock: number;
  toBlock: number;
  addresses?: Hex[];
  /** Per position: null = any, or a list of alternatives (eth_getLogs semantics). */
  topics?: (Hex[] | null)[];
};

export type FoundLog = StoredLog & {
  blockNumber: number;
  blockHash: Hex;
  transactionHash: Hex;
  transactionIndex: number;
  batchNumber: number;
};
