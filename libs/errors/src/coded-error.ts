import type { ErrorCode } from './codes';
import { wireCodes, type WireCodes } from './table';

/** An error with a domain code; `data` is safe to show to a client. */
export class CodedError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'CodedError';
  }

  get wire(): WireCodes {
    return wireCodes[this.code];
  }
}

export function isCodedError(err: unknown): err is CodedError {
  return err instanceof CodedError;
}
