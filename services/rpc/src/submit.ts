import { CodedError, PoolErrorCode } from '@zkseq/errors';
import { decode, encode, type PoolTxSubmitManyReply, type PoolTxSubmitManyRequest, type PoolTxSubmitReply, type PoolTxSubmitRequest, type Subjects } from '@zkseq/messaging';
import type { Msg, NatsConnection } from 'nats';
import type { Hex } from '@zkseq/statedb';

type Waiting = { rawTx: Hex; resolve: (r: PoolTxSubmitReply) => void; reject: (e: unknown) => void };

function unavailable(err: unknown, timeoutMs: number): unknown {
  const code = (err as { code?: string }).code;
  if (code === '503') return new CodedError(PoolErrorCode.Unavailable, 'pool unavailable: no pool service is running');
  if (code === 'TIMEOUT') return new CodedError(PoolErrorCode.Unavailable, `pool unavailable: no answer within ${timeoutMs} ms; the transaction may or may not have been accepted`);
  return err;
}

/**
 * eth_sendRawTransaction's path into the pool: NATS request/reply to whichever pool replica the
 * queue group picks. Submissions made in the same event-loop turn travel together in one
 * `pool.tx.submit_many` request (a lone one as `pool.tx.submit`), so under load the NATS round
 * trips and the pool's reply writes are shared. No pool answering is "unavailable"; a timeout
 * says the outcome is unknown.
 */
export function poolSubmitter(nc: NatsConnection, subjects: Subjects, timeoutMs: number, maxBatch: number): (rawTx: Hex) => Promise<PoolTxSubmitReply> {
  let queued: Waiting[] = [];

  const sendOne = (w: Waiting) => {
    const req: PoolTxSubmitRequest = { rawTx: w.rawTx };
    nc.request(subjects.poolTxSubmit, encode(req), { timeout: timeoutMs }).then(
      (msg: Msg) => w.resolve(decode<PoolTxSubmitReply>(msg.data)),
      (err: unknown) => w.reject(unavailable(err, timeoutMs)),
    );
  };

  const sendMany = (batch: Waiting[]) => {
    const req: PoolTxSubmitManyRequest = { rawTxs: batch.map((w) => w.rawTx) };
    nc.request(subjects.poolTxSubmitMany, encode(req), { timeout: timeoutMs }).then(
      (msg: Msg) => {
        const { replies } = decode<PoolTxSubmitManyReply>(msg.data);
        // A pool that refused the batch as a whole answers with one reply: it stands for all.
        batch.forEach((w, i) => w.resolve(replies.length === batch.length ? replies[i] : replies[0]));
      },
      (err: unknown) => {
        const mapped = unavailable(err, timeoutMs);
        for (const w of batch) w.reject(mapped);
      },
    );
  };

  const flush = () => {
    const all = queued;
    queued = [];
    for (let i = 0; i < all.length; i += maxBatch) {
      const batch = all.slice(i, i + maxBatch);
      if (batch.length === 1) sendOne(batch[0]);
      else sendMany(batch);
    }
  };

  return (rawTx) =>
    new Promise((resolve, reject) => {
      if (queued.length === 0) setImmediate(flush);
      queued.push({ rawTx, resolve, reject });
    });
}
