/**
 * Records of the pool DB. Wei amounts are bigints in TypeScript and decimal strings in Redis;
 * hashes, addresses and byte strings are lower-case 0x-hex.
 */
export type Hex = `0x${string}`;

/**
 * pending: waiting for a batch (executable or queued behind a nonce gap);
 * selected: the sequencer put it in a batch; failed: can no longer be included (nonce or balance
 * became impossible, replaced, expired); invalid: can never be included (e.g. does not fit an
 * empty batch). Only pending transactions are in the indexes.
 */
export type PoolTxStatus = 'pending' | 'selected' | 'failed' | 'invalid';

/** What admission stores: everything the sequencer needs without decoding the raw tx again. */
export type NewPoolTx = {
  hash: Hex;
  from: Hex;
  to: Hex | null;
  nonce: number;
  gasPrice: bigint;
  gasLimit: number;
  value: bigint;
  /** null for a pre-EIP-155 transaction. */
  chainId: number | null;
  /** Standard signed Ethereum legacy encoding (what eth_sendRawTransaction got). */
  raw: Hex;
  /** The transaction's batchL2Data encoding with effectivePercentage 0xff; the sequencer may rewrite the last byte. */
  l2Data: Hex;
  /** Bytes of `raw`. */
  size: number;
  /** Bytes of the call data. */
  dataSize: number;
  intrinsicGas: number;
  /** Unix ms at admission. */
  receivedAt: number;
};

export type PoolTx = NewPoolTx & {
  status: PoolTxStatus;
  /** Why a transaction failed or is invalid (e.g. "replaced by 0x..", "expired", "nonce too low"). */
  reason: string | null;
  updatedAt: number;
};

/** Admission limits; defaults are geth's (txpool AccountSlots/AccountQueue/GlobalSlots/GlobalQueue, PriceBump). */
export type PoolLimits = {
  /** Executable (gap-free from the account nonce) transactions per sender. */
  accountPending: number;
  /** Transactions behind a nonce gap per sender. */
  accountQueued: number;
  globalPending: number;
  globalQueued: number;
  /** A replacement must pay at least this many percent more than the transaction it replaces. */
  priceBumpPercent: number;
  /** Highest accepted nonce is accountNonce + nonceWindow - 1. */
  nonceWindow: number;
};

export type AddRejection =
  | { kind: 'blocked' }
  | { kind: 'already-known' }
  | { kind: 'nonce-too-low'; accountNonce: number }
  | { kind: 'nonce-too-high'; accountNonce: number; maxNonce: number }
  | { kind: 'replacement-underpriced'; existing: Hex; existingGasPrice: bigint; minGasPrice: bigint }
  | { kind: 'account-limit'; which: 'pending' | 'queued'; limit: number }
  | { kind: 'pool-full'; which: 'pending' | 'queued'; limit: number };

export type AddResult = { ok: true; replaced: Hex | null } | { ok: false; rejection: AddRejection };

export type PoolCounts = { pending: number; queued: number };
