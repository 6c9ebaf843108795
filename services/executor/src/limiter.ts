import { CodedError, ExecutorErrorCode } from '@zkseq/errors';

/**
 * At most `concurrent` requests execute at once (each holds an EVM and its leaf overlay); up to
 * `queued` more wait in order; beyond that a request is refused with EXECUTOR_OVERLOADED.
 */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  rejected = 0;

  constructor(
    private readonly concurrent: number,
    private readonly queued: number,
  ) {}

  get queueLength(): number {
    return this.waiting.length;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrent) {
      if (this.waiting.length >= this.queued) {
        this.rejected++;
        throw new CodedError(ExecutorErrorCode.Overloaded, `executor busy: ${this.running} running, ${this.waiting.length} queued`);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes to the next waiter
      else this.running--;
    }
  }
}
