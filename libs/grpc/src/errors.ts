import * as grpc from '@grpc/grpc-js';
import { CodedError, GrpcStatus, isCodedError, wireCodes, type ErrorCode } from '@zkseq/errors';

const CODE_KEY = 'zkseq-error-code';

/** A CodedError (or anything else) as a gRPC error: status from the wire table, domain code in trailing metadata. */
export function toServiceError(err: unknown): Partial<grpc.ServiceError> {
  const metadata = new grpc.Metadata();
  if (isCodedError(err)) {
    metadata.set(CODE_KEY, err.code);
    return { code: err.wire.grpc as number as grpc.status, details: err.message, metadata };
  }
  return { code: grpc.status.INTERNAL, details: err instanceof Error ? err.message : String(err), metadata };
}

/** The error a client call rejects with: the server's CodedError when it sent one, else a GrpcCallError. */
export function fromServiceError(err: grpc.ServiceError, method: string): Error {
  const code = err.metadata?.get(CODE_KEY)[0];
  if (typeof code === 'string' && code in wireCodes) return new CodedError(code as ErrorCode, err.details || err.message);
  return new GrpcCallError(method, err.code as number as GrpcStatus, err.details || err.message);
}

/** A transport-level failure (UNAVAILABLE, DEADLINE_EXCEEDED, ...) without a domain code. */
export class GrpcCallError extends Error {
  constructor(
    readonly method: string,
    readonly status: GrpcStatus,
    details: string,
  ) {
    super(`${method}: ${GrpcStatus[status] ?? status}: ${details}`);
    this.name = 'GrpcCallError';
  }
}

/** Statuses worth retrying for idempotent methods. */
export function isTransient(err: unknown): boolean {
  return err instanceof GrpcCallError && (err.status === GrpcStatus.UNAVAILABLE || err.status === GrpcStatus.DEADLINE_EXCEEDED);
}
