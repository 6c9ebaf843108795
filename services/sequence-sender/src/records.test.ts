import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { SequenceRecords } from './records';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `t${randomBytes(4).toString('hex')}:seqsender:`;
const records = new SequenceRecords(redis, prefix);
const tx = (n: number) => ({ txHash: `0x${n.toString(16).padStart(64, '0')}` as const, blockNumber: n, blockHash: `0x${(n + 1).toString(16).padStart(64, '0')}` as const, gasUsed: '100', nonce: n });

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('SequenceRecords', () => {
  it('chains requests, one in flight, and re-opens only the newest one on failure', async () => {
    expect(await records.lastTo()).toBeNull();
    expect(await records.init(2)).toBe(true);
    expect(await records.init(0)).toBe(false);
    await expect(records.begin({ id: 'a', from: 4, to: 5, data: '0x01', calldataBytes: 1 }, 1)).rejects.toThrow(/SEQSENDER_SEQUENCE/);
    await records.begin({ id: 'sequence-from-3-to-5', from: 3, to: 5, data: '0x01', calldataBytes: 1 }, 1);
    await expect(records.begin({ id: 'b', from: 6, to: 6, data: '0x02', calldataBytes: 1 }, 1)).rejects.toThrow(/SEQSENDER_IN_FLIGHT/);
    await expect(records.adopt(9)).rejects.toThrow(/SEQSENDER_IN_FLIGHT/);
    expect((await records.inFlight())?.id).toBe('sequence-from-3-to-5');

    expect(await records.confirmed('sequence-from-3-to-5', 10, tx(1))).toBe('confirmed');
    expect(await records.confirmed('sequence-from-3-to-5', 10, tx(1))).toBe('stale');
    expect(await records.inFlight()).toBeNull();
    expect(await records.get('sequence-from-3-to-5')).toMatchObject({ status: 'confirmed', data: null, txHash: tx(1).txHash, nonce: 1 });
    // A reorg moved it: a newer result replaces the older one.
    expect(await records.confirmed('sequence-from-3-to-5', 12, tx(2))).toBe('moved');
    expect(await records.confirmed('nope', 13, tx(2))).toBe('unknown');

    await records.begin({ id: 'sequence-from-6-to-7', from: 6, to: 7, data: '0x02', calldataBytes: 1 }, 2);
    expect(await records.failed('sequence-from-6-to-7', 14, { code: 'L1TX_REVERTED' })).toBe('retry');
    expect(await records.lastTo()).toBe(5);
    expect(await records.inFlight()).toBeNull();
    expect(await records.idUsed('sequence-from-6-to-7')).toBe(true);
    expect(await records.failed('sequence-from-6-to-7', 15, null)).toBe('repeat');

    await records.begin({ id: 'sequence-from-6-to-8', from: 6, to: 8, data: '0x03', calldataBytes: 1 }, 3);
    await records.confirmed('sequence-from-6-to-8', 15, tx(3));
    // A given-up request landing after all means its batches may be on L1 twice.
    expect(await records.confirmed('sequence-from-6-to-7', 16, tx(4))).toBe('inconsistent');
    // An earlier sequence failing after a later one went out cannot be repaired by re-sending it.
    expect(await records.failed('sequence-from-3-to-5', 17, null)).toBe('inconsistent');
    expect(await records.lastTo()).toBe(8);
    expect((await records.all()).map((r) => [r.id, r.status])).toEqual([
      ['sequence-from-3-to-5', 'failed'], ['sequence-from-6-to-7', 'failed'], ['sequence-from-6-to-8', 'confirmed'],
    ]);
    expect(await records.adopt(7)).toBe(false);
    expect(await records.adopt(12)).toBe(true);
    expect(await records.lastTo()).toBe(12);
  });
});
