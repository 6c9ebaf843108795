import type { ServiceContext } from './lifecycle';
import { withRetry } from './resilience';

export type BackgroundWork = {
  /** Name of the shutdown step, which waits for the work to end. */
  name: string;
  /** Readiness check that passes once `init` has succeeded. */
  readyWhen: string;
  /** Loads the starting point. */
  init: () => Promise<void>;
  /** Retry `init` with backoff (0.5 s to 10 s) while it fails with a retryable error, logging `waiting`. */
  retryInit?: { waiting: string; isRetryable?: (err: unknown) => boolean };
  /** The work itself, once `init` succeeded; runs until shutdown. */
  run: () => Promise<unknown>;
};

/**
 * Starts a service's main loop without holding up its start: `init` (retried if asked), then
 * `run`. A failure outside shutdown fails the service; shutdown waits for the loop to end.
 */
export function startBackgroundWork(ctx: ServiceContext, w: BackgroundWork): void {
  let initialised = false;
  ctx.addReadiness({ name: w.readyWhen, check: () => initialised });
  const retry = w.retryInit;
  const work = (async () => {
    if (retry) {
      await withRetry(w.init, {
        retries: Infinity, baseDelayMs: 500, maxDelayMs: 10_000, signal: ctx.signal, isRetryable: retry.isRetryable,
        onRetry: (err, attempt, delayMs) => ctx.logger.warn({ err, attempt, delayMs }, retry.waiting),
      });
    } else await w.init();
    initialised = true;
    await w.run();
  })();
  work.catch((err: unknown) => {
    if (!ctx.signal.aborted) ctx.fail(err);
  });
  ctx.onShutdown(w.name, async () => {
    await work.catch(() => undefined);
  });
}
