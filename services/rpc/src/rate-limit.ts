/**
 * Per-IP token buckets: `ratePerSec` calls per second on average, bursts up to `burst`. A batch
 * costs one token per call. Idle full buckets are forgotten so the map stays bounded by the
 * number of recently active clients.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = Date.now();

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
  ) {}

  get enabled(): boolean {
    return this.ratePerSec > 0;
  }

  /** Takes `cost` tokens; returns 0 when allowed, else the ms to wait before retrying. */
  take(ip: string, cost: number, now = Date.now()): number {
    if (!this.enabled) return 0;
    this.sweep(now);
    const b = this.buckets.get(ip) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerSec);
    b.at = now;
    this.buckets.set(ip, b);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return 0;
    }
    return Math.ceil(((cost - b.tokens) / this.ratePerSec) * 1000);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    const fullAfterMs = (this.burst / this.ratePerSec) * 1000;
    for (const [ip, b] of this.buckets) if (now - b.at > fullAfterMs) this.buckets.delete(ip);
  }
}
