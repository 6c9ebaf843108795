import type { Heads } from '@zkseq/statedb';
import { CodedError, RpcErrorCode } from '@zkseq/errors';
import * as fmt from '../format';
import { resolveBlock, type RpcBackend } from '../backend';
import { args, blockRef, bool, invalidParams, required, smallQuantity } from '../params';
import type { Handler } from '../jsonrpc';

/** A batch by number or tag: latest = last batch (open included), safe = last virtual, finalized = last verified. */
function batchNumber(v: unknown, name: string, heads: Heads): number {
  switch (v) {
    case 'latest':
    case 'pending':
      return heads.lastBatch;
    case 'earliest':
      return 0;
    case 'safe':
      return heads.lastVirtualBatch;
    case 'finalized':
      return heads.lastVerifiedBatch;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string') return smallQuantity(v, name);
  throw invalidParams(`invalid argument ${name}: expected a batch number or tag`);
}

/** zkevm_ namespace: batch heads, batch contents, and the link between L2 blocks and batches. */
export function zkevmMethods(b: RpcBackend): Record<string, Handler> {
  const heads = async () => {
    const h = await b.state.getHeads();
    if (!h) throw new CodedError(RpcErrorCode.Unavailable, 'the chain has no genesis yet');
    return h;
  };
  const blockOf = async (v: unknown) => resolveBlock(b, required((x, name) => blockRef(x, name, false), v, 'blockNumber'));
  return {
    zkevm_batchNumber: async (p) => (args(p, 0), fmt.hexQ((await heads()).lastBatch)),
    zkevm_virtualBatchNumber: async (p) => (args(p, 0), fmt.hexQ((await heads()).lastVirtualBatch)),
    zkevm_verifiedBatchNumber: async (p) => (args(p, 0), fmt.hexQ((await heads()).lastVerifiedBatch)),
    zkevm_getBatchByNumber: async (p) => {
      const [n, full] = args(p, 2);
      const number = batchNumber(required((v) => v, n, 'batchNumber'), 'batchNumber', await heads());
      const withTxs = full === undefined ? false : bool(full, 'fullTransactions');
      const batch = await b.state.getBatch(number);
      if (!batch) return null;
      const hashes = await b.state.getBatchTxHashes(number);
      const txs = (await b.state.getTxs(hashes)).filter((t) => t !== null);
      return fmt.batch(batch, hashes, txs.map((t) => t.blockHash), withTxs ? txs : undefined);
    },
    zkevm_batchNumberByBlockNumber: async (p) => {
      const [n] = args(p, 1);
      const block = await blockOf(n);
      return block ? fmt.hexQ(block.batchNumber) : null;
    },
    zkevm_isBlockVirtualized: async (p) => {
      const [n] = args(p, 1);
      const block = await blockOf(n);
      return block !== null && block.batchNumber <= (await heads()).lastVirtualBatch;
    },
    zkevm_isBlockConsolidated: async (p) => {
      const [n] = args(p, 1);
      const block = await blockOf(n);
      return block !== null && block.batchNumber <= (await heads()).lastVerifiedBatch;
    },
  };
}
