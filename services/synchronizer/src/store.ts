import type { Redis } from 'ioredis';
import type { Hex } from '@zkseq/contracts';

export type L1BlockRef = { number: number; hash: Hex };

// KEYS: cursor, blocks · ARGV: number, hash, keepFrom, pinnedNumber
const ADVANCE = `
redis.call('HSET', KEYS[1], 'number', ARGV[1], 'hash', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
local keepFrom = tonumber(ARGV[3])
local pinned = tonumber(ARGV[4])
if keepFrom > pinned + 1 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '(' .. pinned, '(' .. keepFrom) end
return 'OK'`;

// KEYS: cursor, blocks · ARGV: number, hash
const REWIND = `
redis.call('ZREMRANGEBYSCORE', KEYS[2], '(' .. ARGV[1], '+inf')
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[1], 'number', ARGV[1], 'hash', ARGV[2])
return 'OK'`;

/**
 * The synchronizer's view of L1 in Redis (`<prefix>*`): the last processed block (cursor) and
 * the hashes of recent processed blocks, from which a reorg's common ancestor is found. The
 * deployment block stays pinned so that a reorg deeper than the kept window still has one.
 */
export class SyncStore {
  private readonly k;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly keepBlocks: number,
    private readonly pinned: number,
  ) {
    this.k = { cursor: `${prefix}cursor`, blocks: `${prefix}blocks` };
  }

  async cursor(): Promise<L1BlockRef | null> {
    const h = await this.redis.hgetall(this.k.cursor);
    return h.number === undefined ? null : { number: Number(h.number), hash: h.hash as Hex };
  }

  /** Everything up to `b` is processed. */
  async advance(b: L1BlockRef): Promise<void> {
    await this.redis.eval(ADVANCE, 2, this.k.cursor, this.k.blocks, b.number, b.hash, b.number - this.keepBlocks, this.pinned);
  }

  /** An L1 reorg: forget everything above the common ancestor `b`. */
  async rewind(b: L1BlockRef): Promise<void> {
    await this.redis.eval(REWIND, 2, this.k.cursor, this.k.blocks, b.number, b.hash);
  }

  /** Stored blocks, newest first (candidates for the common ancestor). */
  async blocksNewestFirst(): Promise<L1BlockRef[]> {
    const raw = await this.redis.zrevrange(this.k.blocks, 0, -1, 'WITHSCORES');
    const out: L1BlockRef[] = [];
    for (let i = 0; i < raw.length; i += 2) out.push({ hash: raw[i] as Hex, number: Number(raw[i + 1]) });
    return out;
  }
}
