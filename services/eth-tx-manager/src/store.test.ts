import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { TxStore, type Attempt } from './store';

const prefix = `test:${randomBytes(4).toString('hex')}:l1tx:`;
let redis: Redis;
let store: TxStore;

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  store = new TxStore(redis, prefix, 60);
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const attempt = (nonce: number, hash: string): Attempt => ({ hash, raw: '0x00', nonce, gasLimit: '21000', maxFeePerGas: '2', maxPriorityFeePerGas: '1', signedAtMs: 1 });
const req = (id: string) => ({ owner: 'o', id, to: '0x' + '11'.repeat(20), data: '0x', value: '0' });

describe('TxStore (Redis scripts)', () => {
  it('binds the key space to one account and chain', async () => {
    await store.bindAccount('0xAbC', 1);
    await store.bindAccount('0xabc', 1);
    await expect(store.bindAccount('0xdef', 1)).rejects.toThrow('holds state of account 0xAbC on chain 1');
    await expect(store.bindAccount('0xabc', 2)).rejects.toThrow('use another ETHTXMAN_REDIS_PREFIX');
  });

  it('records an invalid request as failed, with its result in the outbox and a tombstone', async () => {
    const entry = { msgId: 'bad', result: { owner: 'o', id: 'bad', status: 'failed' as const } };
    expect(await store.enqueue(req('bad'), 5, entry)).toBe(true);
    expect(await store.get('o:bad')).toMatchObject({ status: 'failed' });
    expect(await store.queued(10)).toEqual([]);
    expect((await store.outbox()).map((o) => o.entry)).toEqual([entry]);
    expect(await redis.ttl(`${prefix}req:o:bad`)).toBeGreaterThan(0);
    await store.ackOutbox('o:bad', (await store.outbox())[0].raw);
  });

  it('stores a request once; a repeated id changes nothing', async () => {
    expect(await store.enqueue(req('a'), 10)).toBe(true);
    expect(await store.enqueue({ ...req('a'), value: '5' }, 20)).toBe(false);
    expect(await store.get('o:a')).toMatchObject({ status: 'queued', value: '0', createdAtMs: 10 });
    expect(await store.queued(10)).toEqual(['o:a']);
  });

  it('hands out a nonce only together with the first signed attempt, and only the next one', async () => {
    expect(await store.raiseNextNonce(7)).toBe(true);
    expect(await store.raiseNextNonce(3)).toBe(false);
    await expect(store.assignNonce('o:a', attempt(8, '0x01'))).rejects.toThrow('next nonce moved');
    expect(await store.get('o:a')).toMatchObject({ status: 'queued' });
    await store.assignNonce('o:a', attempt(7, '0x01'));
    expect(await store.nextNonce()).toBe(8);
    expect(await store.get('o:a')).toMatchObject({ status: 'sending', nonce: 7 });
    expect(await store.active()).toEqual(['o:a']);
    expect(await store.queued(10)).toEqual([]);
    await expect(store.addAttempt('o:a', attempt(6, '0x02'))).rejects.toThrow('no longer takes attempts');
    await store.addAttempt('o:a', attempt(7, '0x02'));
    expect((await store.attempts('o:a')).map((a) => a.hash)).toEqual(['0x01', '0x02']);
  });

  it('finishes into the reorg watch and the outbox, reopens, and retires to a tombstone', async () => {
    const entry = { msgId: 'm1', result: { owner: 'o', id: 'a', status: 'confirmed' as const } };
    await store.finish('o:a', 'confirmed', 100, entry);
    expect(await store.active()).toEqual([]);
    expect(await store.watched()).toEqual(['o:a', '100']);
    const [out] = await store.outbox();
    expect(out.entry).toEqual(entry);
    // A newer result replaced in between is not acknowledged by the older publish.
    await store.ackOutbox('o:a', '{"other":1}');
    expect(await store.outbox()).toHaveLength(1);
    await store.ackOutbox('o:a', out.raw);
    expect(await store.outbox()).toHaveLength(0);

    await store.reopen('o:a', 7);
    expect(await store.get('o:a')).toMatchObject({ status: 'sending', txHash: undefined });
    expect(await store.active()).toEqual(['o:a']);
    await store.finish('o:a', 'confirmed', 101, entry);
    await store.retire('o:a');
    expect(await store.watched()).toEqual([]);
    expect(await store.attempts('o:a')).toEqual([]);
    expect(await redis.ttl(`${prefix}req:o:a`)).toBeGreaterThan(0);
    expect(await store.enqueue(req('a'), 30)).toBe(false);
  });
});
