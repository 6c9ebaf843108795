import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Lease, runAsLeader } from './lease';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const key = `t${randomBytes(4).toString('hex')}:lease:sequencer`;

afterAll(async () => {
  await redis.del(key);
  redis.disconnect();
});

describe('lease', () => {
  it('has one holder; only the holder renews or releases it; each acquisition has a new token', async () => {
    const a = new Lease(redis, key, 'a', 10_000);
    const b = new Lease(redis, key, 'b', 10_000);
    expect(await a.tryAcquire()).toBe(true);
    const first = a.token;
    expect(await b.tryAcquire()).toBe(false);
    expect(await b.holder()).toBe('a');
    expect(await a.renew()).toBe(true);
    expect(await b.renew()).toBe(false);
    await b.release();
    expect(await redis.get(key)).toBe(first);
    await a.release();
    expect(await b.tryAcquire()).toBe(true);
    expect(await a.renew()).toBe(false);
    await b.release();
    expect(await a.tryAcquire()).toBe(true);
    expect(a.token).not.toBe(first);
    await a.release();
  });

  it('runs a standby that takes over when the leader stops, and stops a leader whose lease was taken', async () => {
    const events: string[] = [];
    const stopA = new AbortController();
    const stopB = new AbortController();
    let aLeading!: () => void;
    const aStarted = new Promise<void>((r) => (aLeading = r));
    let bLeading!: (token: string) => void;
    const bStarted = new Promise<string>((r) => (bLeading = r));
    let bLost!: () => void;
    const bStopped = new Promise<void>((r) => (bLost = r));
    const lead = (name: string, started: (token: string) => void, stopped?: () => void) => async (token: string, signal: AbortSignal) => {
      events.push(`${name} leads`);
      started(token);
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      events.push(`${name} stops`);
      stopped?.();
    };
    const a = runAsLeader(new Lease(redis, key, 'a', 600), stopA.signal, {}, lead('a', () => aLeading()));
    await aStarted;
    const b = runAsLeader(new Lease(redis, key, 'b', 600), stopB.signal, { onStandby: (holder) => events.push(`b standby (${holder})`), onLost: (why) => events.push(`b lost: ${why}`) }, lead('b', bLeading, bLost));
    // b can only lead once a has let go.
    while (!events.includes('b standby (a)')) await new Promise((r) => setTimeout(r, 20));
    stopA.abort();
    await a;
    const bToken = await bStarted;
    expect(await redis.get(key)).toBe(bToken);
    // Someone else holds the lease now (as after b stalled past its expiry): b's leadership ends.
    await redis.set(key, 'c:0', 'PX', 60_000);
    await bStopped;
    stopB.abort();
    await b;
    expect(events.slice(0, 5)).toEqual(['a leads', 'b standby (a)', 'a stops', 'b leads', 'b lost: lease taken over']);
    expect(events[5]).toBe('b stops');
    expect(await redis.get(key)).toBe('c:0');
  });
});
