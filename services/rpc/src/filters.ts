import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { LogFilterParams } from './params';

export type FilterKind = 'block' | 'logs';
export type StoredFilter = { kind: FilterKind; filter: LogFilterParams; last: number };

/** Moves `last` forward only if nobody else polled meanwhile. KEYS: filter. ARGV: expected, next, ttl. */
const ADVANCE = `
local last = redis.call('HGET', KEYS[1], 'last')
if not last or last ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'last', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
`;

/**
 * Polling filters (eth_newFilter / eth_newBlockFilter) in Redis, so any rpc replica can answer a
 * poll. A filter not polled for `ttlSec` disappears (geth's 5-minute rule).
 */
export class FilterStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSec: number,
  ) {}

  private key(id: string): string {
    return `${this.prefix}${id}`;
  }

  async create(kind: FilterKind, filter: LogFilterParams, last: number): Promise<string> {
    const id = `0x${randomBytes(16).toString('hex')}`;
    await this.redis.multi().hset(this.key(id), { kind, filter: JSON.stringify(filter), last: String(last) }).expire(this.key(id), this.ttlSec).exec();
    return id;
  }

  async get(id: string): Promise<StoredFilter | null> {
    const f = await this.redis.hgetall(this.key(id));
    if (f.kind === undefined) return null;
    await this.redis.expire(this.key(id), this.ttlSec);
    return { kind: f.kind as FilterKind, filter: JSON.parse(f.filter) as LogFilterParams, last: Number(f.last) };
  }

  async advance(id: string, expected: number, next: number): Promise<boolean> {
    return (await this.redis.eval(ADVANCE, 1, this.key(id), String(expected), String(next), this.ttlSec)) === 1;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.redis.del(this.key(id))) === 1;
  }
}
