import { CodedError, isCodedError, PoolErrorCode } from '@zkseq/errors';
import { decode, encode, POOL_QUEUE_GROUP, type PoolTxAdded, type PoolTxSubmitReply, type PoolTxSubmitRequest, type Subjects } from '@zkseq/messaging';
import type { Logger } from '@zkseq/service';
import type { Msg, NatsConnection, Subscription } from 'nats';
import type { Admitted } from './admission';
import type { PoolMetrics } from './metrics';

export type SubmitServerOptions = {
  /** Submissions admitted concurrently by this replica; beyond it a request is answered "busy" at once. */
  maxInFlight: number;
};

/**
 * Serves `pool.tx.submit` in the `pool` queue group (each request goes to one replica) and
 * announces every admitted transaction on `pool.tx.added`.
 */
export function serveSubmissions(
  nc: NatsConnection,
  subjects: Subjects,
  admitRaw: (rawTx: string) => Promise<Admitted>,
  metrics: PoolMetrics,
  logger: Logger,
  opts: SubmitServerOptions,
): Subscription {
  let inFlight = 0;
  const results = new Map<string, { inc(): void }>();
  const reply = (msg: Msg, body: PoolTxSubmitReply) => {
    if (msg.reply) msg.respond(encode(body));
  };
  const fail = (msg: Msg, err: CodedError) => reply(msg, { ok: false, code: err.code, message: err.message, data: err.data });

  const handle = async (msg: Msg) => {
    const started = process.hrtime.bigint();
    let result = 'accepted';
    try {
      let req: PoolTxSubmitRequest;
      try {
        req = decode<PoolTxSubmitRequest>(msg.data);
      } catch {
        throw new CodedError(PoolErrorCode.InvalidRlp, 'invalid rlp: request body is not JSON');
      }
      const admitted = await admitRaw(req?.rawTx);
      reply(msg, { ok: true, hash: admitted.hash });
      const added: PoolTxAdded = { hash: admitted.hash, from: admitted.from, nonce: admitted.nonce, gasPrice: admitted.gasPrice.toString() };
      nc.publish(subjects.poolTxAdded, encode(added));
      if (admitted.replaced) metrics.replaced.inc();
    } catch (err) {
      if (isCodedError(err)) {
        result = err.code;
        fail(msg, err);
      } else {
        result = 'error';
        logger.error({ err }, 'admission failed');
        fail(msg, new CodedError(PoolErrorCode.Unavailable, `pool unavailable: ${(err as Error).message}`));
      }
    } finally {
      let counter = results.get(result);
      if (!counter) results.set(result, (counter = metrics.submissions.labels(result)));
      counter.inc();
      metrics.admissionSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  };

  return nc.subscribe(subjects.poolTxSubmit, {
    queue: POOL_QUEUE_GROUP,
    callback: (err, msg) => {
      if (err) {
        logger.error({ err }, 'submit subscription error');
        return;
      }
      if (inFlight >= opts.maxInFlight) {
        metrics.busyRejections.inc();
        fail(msg, new CodedError(PoolErrorCode.Unavailable, 'pool unavailable: too many submissions in flight, retry'));
        return;
      }
      inFlight++;
      metrics.inFlight.set(inFlight);
      void handle(msg).finally(() => {
        inFlight--;
        metrics.inFlight.set(inFlight);
      });
    },
  });
}
