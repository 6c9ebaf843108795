import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { PoolDb } from './pooldb';
import type { Hex, NewPoolTx } from './types';

// readyCandidatesFrom (added for the sequencer): runs start past the nonces the caller has in flight.
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `t${randomBytes(4).toString('hex')}:pool:`;
const db = new PoolDb(redis, { prefix, retentionSec: 600 });
const addr = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Hex;
let seq = 0;
function tx(from: number, nonce: number, gasPrice: bigint): NewPoolTx {
  seq++;
  return {
    hash: `0x${(seq + 0xfed000).toString(16).padStart(64, '0')}` as Hex, from: addr(from), to: addr(99), nonce, gasPrice,
    gasLimit: 21000, value: 1n, chainId: 1000, raw: '0xf86c', l2Data: '0xeb80ff', size: 110, dataSize: 0, intrinsicGas: 21000, receivedAt: 1000 + seq,
  };
}

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('readyCandidatesFrom', () => {
  it('starts each listed sender past its in-flight nonces, keeps price order and stops at about maxTxs', async () => {
    const a = [0, 1, 2, 3].map((n) => tx(1, n, 30n));
    const b = [0, 1].map((n) => tx(2, n, 20n));
    const c = [0, 1, 2].map((n) => tx(3, n, 10n));
    for (const t of [...a, ...b, ...c]) expect((await db.add(t, 0)).ok).toBe(true);
    const hashes = (l: { hash: string }[]) => l.map((t) => t.hash);
    // Nothing in flight: the same as readyCandidates over every sender.
    expect(hashes(await db.readyCandidatesFrom(100, 2, new Map()))).toEqual(hashes(await db.readyCandidates(10, 2)));
    // a's nonces 0-1 and all of b are in flight: a continues at 2, b has nothing left, c from its head.
    const next = new Map([[addr(1), 2], [addr(2), 2]]);
    expect(hashes(await db.readyCandidatesFrom(100, 2, next))).toEqual(hashes([a[2], a[3], c[0], c[1]]));
    // Whole runs until at least maxTxs.
    expect(hashes(await db.readyCandidatesFrom(1, 3, next))).toEqual(hashes([a[2], a[3]]));
    expect(await db.readyCandidatesFrom(100, 2, new Map([[addr(1), 9], [addr(2), 9], [addr(3), 9]]))).toEqual([]);
  });
});
