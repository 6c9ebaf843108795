import * as fmt from '../format';
import { resolveBlock, type RpcBackend } from '../backend';
import { args, blockRef, bool, hash, required } from '../params';
import type { Handler } from '../jsonrpc';
import type { StoredBlock } from '@zkseq/statedb';

/** eth_getBlockByNumber / eth_getBlockByHash, with transaction hashes or full transactions. */
export function blockMethods(b: RpcBackend): Record<string, Handler> {
  const render = async (block: StoredBlock | null, full: boolean) => {
    if (!block) return null;
    if (!full) return fmt.block(block);
    const txs = (await b.state.getTxs(block.transactions)).filter((t) => t !== null);
    return fmt.block(block, txs);
  };
  return {
    eth_getBlockByNumber: async (p) => {
      const [tag, full] = args(p, 2);
      const ref = required((v, name) => blockRef(v, name, false), tag, 'number');
      return render(await resolveBlock(b, ref), required(bool, full, 'fullTransactions'));
    },
    eth_getBlockByHash: async (p) => {
      const [h, full] = args(p, 2);
      return render(await resolveBlock(b, { hash: required(hash, h, 'hash') }), required(bool, full, 'fullTransactions'));
    },
  };
}
