import * as grpc from '@grpc/grpc-js';
import { withRetry, type RetryOptions } from '@zkseq/service';
import { fromServiceError, isTransient } from './errors';

export type CallPolicy = {
  /** Per-attempt deadline. */
  deadlineMs: number;
  /** Retries for idempotent methods (transient failures only); non-idempotent ones never retry. */
  retry: Pick<RetryOptions, 'retries' | 'baseDelayMs' | 'maxDelayMs'>;
};

export const defaultCallPolicy: CallPolicy = { deadlineMs: 10_000, retry: { retries: 3, baseDelayMs: 50, maxDelayMs: 1_000 } };

type UnaryMethod = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;

/**
 * A unary call with a deadline on every attempt; retried (transient errors only) when the method
 * is idempotent. Errors come back as the server's CodedError or a GrpcCallError.
 */
export function unaryCall<Res>(client: grpc.Client, method: string, req: unknown, idempotent: boolean, policy: CallPolicy = defaultCallPolicy): Promise<Res> {
  const fn = (client as unknown as Record<string, UnaryMethod>)[method];
  if (typeof fn !== 'function') throw new Error(`no gRPC method ${method}`);
  const attempt = () =>
    new Promise<Res>((resolve, reject) => {
      fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + policy.deadlineMs }, (err, res) => (err ? reject(fromServiceError(err, method)) : resolve(res as Res)));
    });
  if (!idempotent) return attempt();
  return withRetry(attempt, { ...policy.retry, isRetryable: isTransient });
}
