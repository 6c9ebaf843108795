import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { PoolDb, PoolStatusError } from './pooldb';
import type { Hex, NewPoolTx, PoolLimits } from './types';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefixes: string[] = [];

function freshDb(limits: Partial<PoolLimits> = {}): PoolDb {
  const prefix = `t${randomBytes(4).toString('hex')}:pool:`;
  prefixes.push(prefix);
  return new PoolDb(redis, { prefix, limits, retentionSec: 600 });
}

const addr = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Hex;
let seq = 0;
function tx(from: number, nonce: number, gasPrice: bigint, receivedAt = 1000 + seq): NewPoolTx {
  seq++;
  return {
    hash: `0x${(seq + 0xabc000).toString(16).padStart(64, '0')}` as Hex, from: addr(from), to: addr(99), nonce, gasPrice,
    gasLimit: 21000, value: 1n, chainId: 1000, raw: '0xf86c', l2Data: '0xeb80ff', size: 110, dataSize: 0, intrinsicGas: 21000, receivedAt,
  };
}

async function dump(prefix: string): Promise<Record<string, unknown>> {
  const keys = (await redis.keys(`${prefix}*`)).sort();
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const type = await redis.type(k);
    out[k] = type === 'hash' ? await redis.hgetall(k) : type === 'zset' ? await redis.zrange(k, 0, -1, 'WITHSCORES') : await redis.smembers(k);
  }
  return out;
}

afterAll(async () => {
  for (const p of prefixes) {
    const keys = await redis.keys(`${p}*`);
    if (keys.length) await redis.del(...keys);
  }
  redis.disconnect();
});

describe('PoolDb admission', () => {
  it('stores a transaction with everything the sequencer needs and indexes it', async () => {
    const db = freshDb();
    const t = tx(1, 0, 5n);
    expect(await db.add(t, 0, 2000)).toEqual({ ok: true, replaced: null });
    expect(await db.get(t.hash)).toEqual({ ...t, status: 'pending', reason: null, updatedAt: 2000 });
    expect(await db.counts()).toEqual({ pending: 1, queued: 0 });
    expect((await db.readyCandidates(10)).map((c) => c.hash)).toEqual([t.hash]);
    expect(await db.add(t, 0)).toEqual({ ok: false, rejection: { kind: 'already-known' } });
  });

  it('rejects nonces below the account nonce and beyond the window, writing nothing', async () => {
    const db = freshDb({ nonceWindow: 4 });
    await db.add(tx(1, 3, 5n), 3);
    const before = await dump(db.opts.prefix);
    expect(await db.add(tx(1, 2, 5n), 3)).toEqual({ ok: false, rejection: { kind: 'nonce-too-low', accountNonce: 3 } });
    expect(await db.add(tx(1, 7, 5n), 3)).toEqual({ ok: false, rejection: { kind: 'nonce-too-high', accountNonce: 3, maxNonce: 6 } });
    expect(await dump(db.opts.prefix)).toEqual(before);
    expect((await db.add(tx(1, 6, 5n), 3)).ok).toBe(true);
  });

  it('replaces only with a price bump of at least 10%', async () => {
    const db = freshDb();
    const a = tx(1, 0, 100n);
    await db.add(a, 0);
    const before = await dump(db.opts.prefix);
    expect(await db.add(tx(1, 0, 109n), 0)).toEqual({
      ok: false, rejection: { kind: 'replacement-underpriced', existing: a.hash, existingGasPrice: 100n, minGasPrice: 110n },
    });
    expect(await dump(db.opts.prefix)).toEqual(before);
    const b = tx(1, 0, 110n);
    expect(await db.add(b, 0)).toEqual({ ok: true, replaced: a.hash });
    expect(await db.get(a.hash)).toMatchObject({ status: 'failed', reason: `replaced by ${b.hash}` });
    expect((await db.readyCandidates(10)).map((c) => c.hash)).toEqual([b.hash]);
    expect(await db.counts()).toEqual({ pending: 1, queued: 0 });
  });

  it('compares replacement prices exactly beyond 2^53', async () => {
    const db = freshDb();
    const big = 10n ** 30n + 7n;
    await db.add(tx(1, 0, big), 0);
    expect((await db.add(tx(1, 0, (big * 110n) / 100n), 0)).ok).toBe(false);
    expect((await db.add(tx(1, 0, (big * 110n) / 100n + 1n), 0)).ok).toBe(true);
  });

  it('enforces per-account pending and queued limits', async () => {
    const db = freshDb({ accountPending: 2, accountQueued: 1 });
    await db.add(tx(1, 0, 5n), 0);
    await db.add(tx(1, 1, 5n), 0);
    expect(await db.add(tx(1, 2, 5n), 0)).toEqual({ ok: false, rejection: { kind: 'account-limit', which: 'pending', limit: 2 } });
    expect((await db.add(tx(1, 5, 5n), 0)).ok).toBe(true);
    expect(await db.add(tx(1, 6, 5n), 0)).toEqual({ ok: false, rejection: { kind: 'account-limit', which: 'queued', limit: 1 } });
    expect(await db.counts()).toEqual({ pending: 2, queued: 1 });
  });

  it('enforces global pending and queued limits', async () => {
    const db = freshDb({ globalPending: 2, globalQueued: 1 });
    await db.add(tx(1, 0, 5n), 0);
    await db.add(tx(2, 0, 5n), 0);
    expect(await db.add(tx(3, 0, 5n), 0)).toEqual({ ok: false, rejection: { kind: 'pool-full', which: 'pending', limit: 2 } });
    await db.add(tx(3, 4, 5n), 0);
    expect(await db.add(tx(4, 4, 5n), 0)).toEqual({ ok: false, rejection: { kind: 'pool-full', which: 'queued', limit: 1 } });
  });

  it('rejects blocked senders', async () => {
    const db = freshDb();
    await db.blockSenders([addr(7)]);
    expect(await db.isBlocked(addr(7))).toBe(true);
    expect(await db.add(tx(7, 0, 5n), 0)).toEqual({ ok: false, rejection: { kind: 'blocked' } });
    await db.unblockSenders([addr(7)]);
    expect((await db.add(tx(7, 0, 5n), 0)).ok).toBe(true);
  });
});

describe('PoolDb selection and transitions', () => {
  it('orders candidates by price with strict per-sender nonce order and moves heads on selection', async () => {
    const db = freshDb();
    const a0 = tx(1, 0, 10n);
    const a1 = tx(1, 1, 50n);
    const b0 = tx(2, 0, 20n);
    const c5 = tx(3, 5, 99n); // gap: account nonce 0, so queued
    for (const t of [a0, a1, b0, c5]) await db.add(t, 0);
    expect(await db.counts()).toEqual({ pending: 3, queued: 1 });
    expect((await db.readyCandidates(10, 1)).map((c) => c.hash)).toEqual([b0.hash, a0.hash]);
    // a1 pays more than b0 but must follow a0.
    expect((await db.readyCandidates(10, 4)).map((c) => c.hash)).toEqual([b0.hash, a0.hash, a1.hash]);

    await db.markSelected(a0.hash);
    expect((await db.get(a0.hash))?.status).toBe('selected');
    expect((await db.readyCandidates(10, 1)).map((c) => c.hash)).toEqual([a1.hash, b0.hash]);
    await expect(db.markSelected(a0.hash)).rejects.toBeInstanceOf(PoolStatusError);
    // The pool now expects nonce 1 from sender 1 even if the state it reads lags behind.
    expect(await db.add(tx(1, 0, 500n), 0)).toEqual({ ok: false, rejection: { kind: 'nonce-too-low', accountNonce: 1 } });
    expect(await db.pendingNonce(addr(1), 0)).toBe(2);
    expect(await db.pendingNonce(addr(3), 0)).toBe(0);
    expect(await db.counts()).toEqual({ pending: 2, queued: 1 });
  });

  it('filling a nonce gap makes the queued transactions executable', async () => {
    const db = freshDb();
    const [a0, a2, a1] = [tx(1, 0, 10n), tx(1, 2, 10n), tx(1, 1, 10n)];
    await db.add(a2, 0);
    expect(await db.counts()).toEqual({ pending: 0, queued: 1 });
    expect(await db.readyCandidates(10)).toEqual([]);
    await db.add(a0, 0);
    expect(await db.counts()).toEqual({ pending: 1, queued: 1 });
    await db.add(a1, 0);
    expect(await db.counts()).toEqual({ pending: 3, queued: 0 });
    expect((await db.readyCandidates(10, 5)).map((c) => c.nonce)).toEqual([0, 1, 2]);
  });

  it('a failed head turns its successors into queued transactions', async () => {
    const db = freshDb();
    const a0 = tx(1, 0, 10n);
    const a1 = tx(1, 1, 10n);
    await db.add(a0, 0);
    await db.add(a1, 0);
    await db.markFailed(a0.hash, 'insufficient funds');
    expect(await db.get(a0.hash)).toMatchObject({ status: 'failed', reason: 'insufficient funds' });
    expect(await db.readyCandidates(10)).toEqual([]);
    expect(await db.counts()).toEqual({ pending: 0, queued: 1 });
    await db.markInvalid(a1.hash, 'out of counters');
    expect(await db.counts()).toEqual({ pending: 0, queued: 0 });
    await expect(db.markFailed(a1.hash, 'x')).rejects.toThrow(/is invalid, not pending/);
    // A failed tx may come back, e.g. once the sender is funded.
    expect((await db.add(a0, 0)).ok).toBe(true);
    expect((await db.get(a0.hash))?.status).toBe('pending');
  });

  it('marks a list selected in one step: counts and heads as if one at a time, others reported', async () => {
    const db = freshDb();
    const a = [0, 1, 2, 3].map((n) => tx(1, n, 10n));
    const b0 = tx(2, 0, 20n);
    const c0 = tx(3, 0, 30n);
    for (const t of [...a, b0, c0]) await db.add(t, 0);
    await db.markSelected(c0.hash);
    const res = await db.markSelectedMany([a[0].hash, a[1].hash, b0.hash, c0.hash, '0x' + 'ab'.repeat(32)]);
    expect(res).toEqual([null, null, null, 'selected', 'unknown']);
    for (const t of [a[0], a[1], b0]) expect((await db.get(t.hash))?.status).toBe('selected');
    // Sender 1 continues at nonce 2, which is now its ready head; sender 2 has nothing left.
    expect(await db.counts()).toEqual({ pending: 2, queued: 0 });
    expect((await db.readyCandidates(10, 4)).map((c) => c.hash)).toEqual([a[2].hash, a[3].hash]);
    expect(await db.add(tx(1, 1, 500n), 0)).toEqual({ ok: false, rejection: { kind: 'nonce-too-low', accountNonce: 2 } });
    expect(await db.markSelectedMany([])).toEqual([]);
  });

  it('keeps working after Redis forgets its scripts (a restart or SCRIPT FLUSH)', async () => {
    const db = freshDb();
    await db.add(tx(1, 0, 10n), 0);
    await redis.script('FLUSH');
    expect(await db.add(tx(1, 1, 10n), 0)).toMatchObject({ ok: true });
    expect(await db.counts()).toEqual({ pending: 2, queued: 0 });
  });

  it('a higher state nonce fails stale transactions; release puts a selected one back', async () => {
    const db = freshDb();
    const a0 = tx(1, 0, 10n);
    const a1 = tx(1, 1, 10n);
    const a2 = tx(1, 2, 10n);
    for (const t of [a0, a1, a2]) await db.add(t, 0);
    await db.setAccountNonce(addr(1), 2);
    expect(await db.get(a0.hash)).toMatchObject({ status: 'failed', reason: 'nonce too low' });
    expect((await db.readyCandidates(10)).map((c) => c.hash)).toEqual([a2.hash]);
    await db.markSelected(a2.hash);
    await db.release(a2.hash);
    expect((await db.readyCandidates(10)).map((c) => c.hash)).toEqual([a2.hash]);
    expect(await db.counts()).toEqual({ pending: 1, queued: 0 });
  });

  it('expires pending transactions after their lifetime', async () => {
    const db = freshDb();
    const old = tx(1, 0, 10n, 1_000);
    const fresh = tx(2, 0, 10n, 9_000);
    await db.add(old, 0);
    await db.add(fresh, 0);
    expect(await db.expire(5_000, 10_000)).toBe(1);
    expect(await db.get(old.hash)).toMatchObject({ status: 'failed', reason: 'expired' });
    expect((await db.readyCandidates(10)).map((c) => c.hash)).toEqual([fresh.hash]);
    expect(await db.counts()).toEqual({ pending: 1, queued: 0 });
  });

  it('keeps counters exact under concurrent admission', async () => {
    const db = freshDb({ accountPending: 1000, globalPending: 1000 });
    const txs = Array.from({ length: 200 }, (_, i) => tx(10 + (i % 20), Math.floor(i / 20), BigInt(i + 1)));
    const results = await Promise.all(txs.map((t) => db.add(t, 0)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await db.counts()).toEqual({ pending: 200, queued: 0 });
    expect(await db.readyCandidates(100, 100)).toHaveLength(200);
  });
});
