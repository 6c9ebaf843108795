import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sleep } from '@zkseq/service';

/** KEYS: lease. ARGV: token, ttlMs. Extends the lease only while it holds this token. */
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** KEYS: lease. ARGV: token. Gives the lease up only while it holds this token. */
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

/**
 * A single-holder lease in Redis (`lease:*`): a key holding the holder's token with an expiry.
 * Each acquisition gets a new token, which the StateDB's sequencer writes check (fencing), so a
 * holder that lost the lease cannot write even if it has not noticed yet.
 */
export class Lease {
  private current: string | null = null;

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly instance: string,
    readonly ttlMs: number,
  ) {}

  get token(): string | null {
    return this.current;
  }

  async tryAcquire(): Promise<boolean> {
    const token = `${this.instance}:${randomBytes(8).toString('hex')}`;
    const ok = (await this.redis.set(this.key, token, 'PX', this.ttlMs, 'NX')) === 'OK';
    if (ok) this.current = token;
    return ok;
  }

  async renew(): Promise<boolean> {
    if (this.current === null) return false;
    const ok = (await this.redis.eval(RENEW, 1, this.key, this.current, this.ttlMs)) === 1;
    if (!ok) this.current = null;
    return ok;
  }

  async release(): Promise<void> {
    if (this.current === null) return;
    const token = this.current;
    this.current = null;
    await this.redis.eval(RELEASE, 1, this.key, token);
  }

  /** The instance part of the current holder's token, or null when nobody holds the lease. */
  async holder(): Promise<string | null> {
    const v = await this.redis.get(this.key);
    return v === null ? null : v.slice(0, v.lastIndexOf(':'));
  }
}

export type LeaderHooks = {
  onStandby?: (holder: string | null) => void;
  onAcquired?: (token: string) => void;
  onLost?: (why: string) => void;
  onError?: (err: unknown) => void;
};

/**
 * Runs `lead` whenever this instance holds the lease, as a standby otherwise: polls for the lease
 * every third of its lifetime, renews it at the same pace while leading, and aborts the leader's
 * signal when a renewal fails or when no renewal has succeeded for most of the lifetime (a stalled
 * Redis or event loop), before another instance can take over. Returns when `signal` aborts; the
 * lease is then released so a standby takes over at once.
 */
export async function runAsLeader(lease: Lease, signal: AbortSignal, hooks: LeaderHooks, lead: (token: string, signal: AbortSignal) => Promise<void>): Promise<void> {
  const pace = Math.max(50, Math.floor(lease.ttlMs / 3));
  let standbyReported = false;
  while (!signal.aborted) {
    let acquired = false;
    try {
      acquired = await lease.tryAcquire();
      if (!acquired && !standbyReported) {
        hooks.onStandby?.(await lease.holder());
        standbyReported = true;
      }
    } catch (err) {
      hooks.onError?.(err);
    }
    if (!acquired) {
      await sleep(pace, signal).catch(() => undefined);
      continue;
    }
    standbyReported = false;
    const token = lease.token!;
    hooks.onAcquired?.(token);
    const leading = new AbortController();
    const stopLeading = () => leading.abort(new Error('shutdown'));
    signal.addEventListener('abort', stopLeading, { once: true });
    let renewedAt = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - renewedAt > (lease.ttlMs * 2) / 3) {
        hooks.onLost?.('lease not renewed in time');
        leading.abort(new Error('lease lost'));
        return;
      }
      const startedAt = Date.now();
      lease.renew().then(
        (ok) => {
          if (ok) renewedAt = startedAt;
          else if (!leading.signal.aborted) {
            hooks.onLost?.('lease taken over');
            leading.abort(new Error('lease lost'));
          }
        },
        (err: unknown) => hooks.onError?.(err),
      );
    }, pace);
    try {
      await lead(token, leading.signal);
    } catch (err) {
      if (!leading.signal.aborted) hooks.onError?.(err);
    } finally {
      clearInterval(timer);
      signal.removeEventListener('abort', stopLeading);
      if (!leading.signal.aborted) leading.abort(new Error('leader stopped'));
    }
    if (signal.aborted) {
      await lease.release().catch((err: unknown) => hooks.onError?.(err));
      return;
    }
    // Leading ended without shutdown (lease lost, or an error): give the lease up if still held,
    // then compete again after a pause, so another instance may take over.
    await lease.release().catch((err: unknown) => hooks.onError?.(err));
    await sleep(pace, signal).catch(() => undefined);
  }
}
