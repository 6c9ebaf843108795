import { CodedError, isCodedError, PoolErrorCode } from '@zkseq/errors';
import {
  decode,
  encode,
  POOL_QUEUE_GROUP,
  type PoolTxAdded,
  type PoolTxSubmitManyReply,
  type PoolTxSubmitManyRequest,
  type PoolTxSubmitReply,
  type PoolTxSubmitRequest,
  type Subjects,
} from '@zkseq/messaging';
import type { Logger } from '@zkseq/service';
import type { Msg, NatsConnection, Subscription } from 'nats';
import type { Admitted } from './admission';
import type { PoolMetrics } from './metrics';

export type SubmitServerOptions = {
  /** Transactions admitted concurrently by this replica; beyond it a request is answered "busy" at once. */
  maxInFlight: number;
  /** Largest accepted `pool.tx.submit_many` batch. */
  maxBatch: number;
};

const failure = (err: CodedError): PoolTxSubmitReply => ({ ok: false, code: err.code, message: err.message, data: err.data });

/**
 * Serves `pool.tx.submit` and `pool.tx.submit_many` in the `pool` queue group (each request goes to
 * one replica) and announces every admitted transaction on `pool.tx.added`.
 */
export function serveSubmissions(
  nc: NatsConnection,
  subjects: Subjects,
  admitRaw: (rawTx: string) => Promise<Admitted>,
  metrics: PoolMetrics,
  logger: Logger,
  opts: SubmitServerOptions,
): Subscription[] {
  let inFlight = 0;
  const results = new Map<string, { inc(): void }>();

  const admitOne = async (rawTx: unknown): Promise<PoolTxSubmitReply> => {
    const started = process.hrtime.bigint();
    let result = 'accepted';
    try {
      const admitted = await admitRaw(rawTx as string);
      const added: PoolTxAdded = { hash: admitted.hash, from: admitted.from, nonce: admitted.nonce, gasPrice: admitted.gasPrice.toString() };
      nc.publish(subjects.poolTxAdded, encode(added));
      if (admitted.replaced) metrics.replaced.inc();
      return { ok: true, hash: admitted.hash };
    } catch (err) {
      if (isCodedError(err)) {
        result = err.code;
        return failure(err);
      }
      result = 'error';
      logger.error({ err }, 'admission failed');
      return failure(new CodedError(PoolErrorCode.Unavailable, `pool unavailable: ${(err as Error).message}`));
    } finally {
      let counter = results.get(result);
      if (!counter) results.set(result, (counter = metrics.submissions.labels(result)));
      counter.inc();
      metrics.admissionSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  };

  /** Decodes a request body, or answers the decoding error itself and returns undefined. */
  const body = <T>(msg: Msg, reply: (err: CodedError) => unknown): T | undefined => {
    try {
      return decode<T>(msg.data);
    } catch {
      respond(msg, reply(new CodedError(PoolErrorCode.InvalidRlp, 'invalid rlp: request body is not JSON')));
      return undefined;
    }
  };
  const respond = (msg: Msg, reply: unknown) => {
    if (msg.reply) msg.respond(encode(reply));
  };
  const busy = () => new CodedError(PoolErrorCode.Unavailable, 'pool unavailable: too many submissions in flight, retry');

  /** Runs `n` admissions under the in-flight bound; false when over it (counted). */
  const enter = (n: number): boolean => {
    if (inFlight + n > opts.maxInFlight) {
      metrics.busyRejections.inc(n);
      return false;
    }
    inFlight += n;
    metrics.inFlight.set(inFlight);
    return true;
  };
  const leave = (n: number) => {
    inFlight -= n;
    metrics.inFlight.set(inFlight);
  };

  const single = nc.subscribe(subjects.poolTxSubmit, {
    queue: POOL_QUEUE_GROUP,
    callback: (err, msg) => {
      if (err) return logger.error({ err }, 'submit subscription error');
      const req = body<PoolTxSubmitRequest>(msg, failure);
      if (req === undefined) return;
      if (!enter(1)) return respond(msg, failure(busy()));
      void admitOne(req?.rawTx)
        .then((reply) => respond(msg, reply))
        .finally(() => leave(1));
    },
  });

  const many = nc.subscribe(subjects.poolTxSubmitMany, {
    queue: POOL_QUEUE_GROUP,
    callback: (err, msg) => {
      if (err) return logger.error({ err }, 'submit_many subscription error');
      const req = body<PoolTxSubmitManyRequest>(msg, (e) => ({ replies: [failure(e)] }));
      if (req === undefined) return;
      const raws = req?.rawTxs;
      if (!Array.isArray(raws) || raws.length === 0 || raws.length > opts.maxBatch) {
        const e = new CodedError(PoolErrorCode.InvalidRlp, `invalid rlp: rawTxs must be a list of 1..${opts.maxBatch} raw transactions`);
        return respond(msg, { replies: [failure(e)] });
      }
      if (!enter(raws.length)) return respond(msg, { replies: raws.map(() => failure(busy())) } satisfies PoolTxSubmitManyReply);
      void Promise.all(raws.map(admitOne))
        .then((replies) => respond(msg, { replies } satisfies PoolTxSubmitManyReply))
        .finally(() => leave(raws.length));
    },
  });
  return [single, many];
}
