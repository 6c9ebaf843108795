import { CodedError, RpcErrorCode } from '@zkseq/errors';
import type { PoolTxSubmitReply } from '@zkseq/messaging';
import type { PoolDb } from '@zkseq/pooldb';
import type { HashDbApi, LeafReader } from '@zkseq/smt';
import type { Hex, StateDb, StoredBlock } from '@zkseq/statedb';
import type { FilterStore } from './filters';
import type { BlockRef } from './params';

/** Runs an unsigned call on the executor (eth_call / eth_estimateGas). */
export interface CallExecutor {
  call(req: CallRequest): Promise<CallResult>;
}

export type CallRequest = {
  from: Hex;
  to: Hex | null;
  gas: bigint;
  gasPrice: bigint;
  value: bigint;
  data: Hex;
  nonce: bigint;
  /** State to execute on and the block environment it came from. */
  block: StoredBlock;
};

export type CallResult = {
  gasUsed: bigint;
  returnData: Hex;
  /** null on success; otherwise the ROM error name, e.g. EXECUTION_REVERTED, OUT_OF_GAS. */
  error: string | null;
};

export type RpcSettings = {
  chainId: number;
  gasPrice: bigint;
  clientVersion: string;
  maxLogBlockRange: number;
  callGasCap: bigint;
  callTimeoutMs: number;
};

/** Everything the method modules read from; built once in main.ts. */
export type RpcBackend = {
  state: StateDb;
  pool: PoolDb;
  leaves: LeafReader;
  hashdb: Pick<HashDbApi, 'getProgram' | 'getLeaves'>;
  executor: CallExecutor | null;
  submitTx(rawTx: Hex): Promise<PoolTxSubmitReply>;
  filters: FilterStore;
  settings: RpcSettings;
};

/**
 * The block a reference points at, or null when it does not exist (yet). Tags: latest and
 * pending = the last L2 block; safe = last block of the last virtual batch; finalized = last
 * block of the last verified batch; earliest = genesis.
 */
export async function resolveBlock(b: RpcBackend, ref: BlockRef): Promise<StoredBlock | null> {
  if ('hash' in ref) {
    const n = await b.state.getBlockNumberByHash(ref.hash);
    return n === null ? null : b.state.getBlock(n);
  }
  if ('number' in ref) return b.state.getBlock(ref.number);
  switch (ref.tag) {
    case 'earliest':
      return b.state.getBlock(0);
    case 'latest':
    case 'pending':
      return b.state.getLatestBlock();
    case 'safe':
    case 'finalized': {
      const heads = await b.state.getHeads();
      if (!heads) return null;
      return b.state.getBlock(await lastBlockOfBatch(b, ref.tag === 'safe' ? heads.lastVirtualBatch : heads.lastVerifiedBatch));
    }
  }
}

/** Last L2 block of batch `n` or of the closest earlier batch with transactions (genesis otherwise). */
async function lastBlockOfBatch(b: RpcBackend, n: number): Promise<number> {
  // Empty batches are rare (only forced or GER deadlines close them), so the walk back is short.
  for (let batch = n; batch > 0 && batch > n - 1000; batch--) {
    const hashes = await b.state.getBatchTxHashes(batch);
    if (hashes.length) {
      const tx = await b.state.getTx(hashes[hashes.length - 1]);
      if (tx) return tx.blockNumber;
    }
  }
  return 0;
}

/** Like resolveBlock, for state queries: a missing block is an error (geth: "header not found"). */
export async function requireBlock(b: RpcBackend, ref: BlockRef): Promise<StoredBlock> {
  const block = await resolveBlock(b, ref);
  if (!block) throw new CodedError(RpcErrorCode.BlockNotFound, 'header not found');
  return block;
}

/** The last block number, or an error before genesis. */
export async function headNumber(b: RpcBackend): Promise<number> {
  const heads = await b.state.getHeads();
  if (!heads) throw new CodedError(RpcErrorCode.Unavailable, 'the chain has no genesis yet');
  return heads.lastBlock;
}
