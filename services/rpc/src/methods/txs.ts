import { CodedError, type ErrorCode } from '@zkseq/errors';
import * as fmt from '../format';
import type { RpcBackend } from '../backend';
import { args, data, hash, required } from '../params';
import type { Handler } from '../jsonrpc';

/** Transactions: submission to the pool, lookups in the StateDB and (still pending) the pool DB. */
export function txMethods(b: RpcBackend): Record<string, Handler> {
  return {
    eth_sendRawTransaction: async (p) => {
      const [raw] = args(p, 1);
      const reply = await b.submitTx(required(data, raw, 'rawTx'));
      if (reply.ok) return reply.hash;
      throw new CodedError(reply.code as ErrorCode, reply.message, reply.data);
    },
    eth_getTransactionByHash: async (p) => {
      const [h] = args(p, 1);
      const txHash = required(hash, h, 'hash');
      const stored = await b.state.getTx(txHash);
      if (stored) return fmt.transaction(stored);
      const pooled = await b.pool.get(txHash);
      // A selected tx is on its way into the StateDB; until it lands it is still pending to a client.
      return pooled && (pooled.status === 'pending' || pooled.status === 'selected') ? fmt.pendingTransaction(pooled) : null;
    },
    eth_getTransactionReceipt: async (p) => {
      const [h] = args(p, 1);
      const stored = await b.state.getTx(required(hash, h, 'hash'));
      return stored ? fmt.receipt(stored) : null;
    },
  };
}
