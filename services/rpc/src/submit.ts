import { CodedError, PoolErrorCode } from '@zkseq/errors';
import { decode, encode, type PoolTxSubmitReply, type PoolTxSubmitRequest } from '@zkseq/messaging';
import type { NatsConnection } from 'nats';
import type { Hex } from '@zkseq/statedb';

/**
 * eth_sendRawTransaction's path into the pool: NATS request/reply to whichever pool replica the
 * queue group picks. No pool answering is "unavailable"; a timeout says the outcome is unknown.
 */
export function poolSubmitter(nc: NatsConnection, subject: string, timeoutMs: number): (rawTx: Hex) => Promise<PoolTxSubmitReply> {
  return async (rawTx) => {
    const req: PoolTxSubmitRequest = { rawTx };
    try {
      const msg = await nc.request(subject, encode(req), { timeout: timeoutMs });
      return decode<PoolTxSubmitReply>(msg.data);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '503') throw new CodedError(PoolErrorCode.Unavailable, 'pool unavailable: no pool service is running');
      if (code === 'TIMEOUT') throw new CodedError(PoolErrorCode.Unavailable, `pool unavailable: no answer within ${timeoutMs} ms; the transaction may or may not have been accepted`);
      throw err;
    }
  };
}
