import type { Redis } from 'ioredis';
import type { L1TxResult } from '@zkseq/messaging';

/**
 * Request life cycle: queued (persisted, no nonce) → sending (nonce assigned, ≥ 1 signed attempt)
 * ⇄ mined (a receipt seen, waiting for depth) → confirmed | failed. A confirmed request whose
 * receipt an L1 reorg removes goes back to sending. Failed-before-nonce requests never had one.
 */
export type RequestStatus = 'queued' | 'sending' | 'mined' | 'confirmed' | 'failed';

/** A request as stored, without its calldata. */
export type RequestMeta = Omit<RequestRecord, 'data'>;

export type RequestRecord = {
  rid: string;
  owner: string;
  id: string;
  to: string;
  data: string;
  value: string;
  gasLimit?: string;
  status: RequestStatus;
  seq: number;
  createdAtMs: number;
  nonce?: number;
  txHash?: string;
  blockNumber?: number;
  blockHash?: string;
};

export type Attempt = {
  hash: string;
  raw: string;
  nonce: number;
  gasLimit: string;
  maxFeePerGas: string;
  maxPriorityFeePerGas: string;
  signedAtMs: number;
};

export type NewRequest = { owner: string; id: string; to: string; data: string; value: string; gasLimit?: string };

/** A result waiting to be published; `msgId` lets JetStream drop a repeat after a crash. */
export type OutboxEntry = { msgId: string; result: L1TxResult };

// All multi-key changes are Lua scripts, so a crash never leaves a half-applied transition.
const SCRIPTS = {
  // KEYS: req, queue, meta, outbox · ARGV: rid, owner, id, to, data, value, gasLimit, nowMs, invalidResultJson, retentionS
  enqueue: `
    if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
    local seq = redis.call('HINCRBY', KEYS[3], 'seq', 1)
    redis.call('HSET', KEYS[1], 'owner', ARGV[2], 'id', ARGV[3], 'to', ARGV[4], 'data', ARGV[5], 'value', ARGV[6],
      'gasLimit', ARGV[7], 'seq', seq, 'createdAtMs', ARGV[8])
    if ARGV[9] ~= '' then
      redis.call('HSET', KEYS[1], 'status', 'failed')
      redis.call('HSET', KEYS[4], ARGV[1], ARGV[9])
      redis.call('EXPIRE', KEYS[1], ARGV[10])
    else
      redis.call('HSET', KEYS[1], 'status', 'queued')
      redis.call('ZADD', KEYS[2], seq, ARGV[1])
    end
    return 1`,
  // Gives the request `nonce` (which must be meta.nextNonce) with its first signed attempt; also used
  // to move a request whose nonce an outside sender took onto a new nonce.
  // KEYS: req, attempts, queue, active, meta · ARGV: rid, nonce, attemptJson
  assignNonce: `
    local status = redis.call('HGET', KEYS[1], 'status')
    if status ~= 'queued' and status ~= 'sending' then return redis.error_reply('request is ' .. tostring(status)) end
    local nextNonce = tonumber(redis.call('HGET', KEYS[5], 'nextNonce'))
    if nextNonce ~= tonumber(ARGV[2]) then return redis.error_reply('next nonce moved') end
    redis.call('HSET', KEYS[5], 'nextNonce', nextNonce + 1)
    redis.call('HSET', KEYS[1], 'status', 'sending', 'nonce', ARGV[2])
    redis.call('RPUSH', KEYS[2], ARGV[3])
    redis.call('ZREM', KEYS[3], ARGV[1])
    redis.call('ZADD', KEYS[4], nextNonce, ARGV[1])
    return 1`,
  // KEYS: req, attempts · ARGV: nonce, attemptJson
  addAttempt: `
    local status = redis.call('HGET', KEYS[1], 'status')
    if (status ~= 'sending' and status ~= 'mined') or redis.call('HGET', KEYS[1], 'nonce') ~= ARGV[1] then
      return redis.error_reply('request no longer takes attempts at this nonce')
    end
    redis.call('RPUSH', KEYS[2], ARGV[2])
    return 1`,
  // Only raises: our own pending transactions are counted by the node too.
  // KEYS: meta · ARGV: nonce
  raiseNextNonce: `
    local current = tonumber(redis.call('HGET', KEYS[1], 'nextNonce') or '-1')
    if tonumber(ARGV[1]) > current then redis.call('HSET', KEYS[1], 'nextNonce', ARGV[1]) return 1 end
    return 0`,
  // KEYS: req, active, watch, outbox · ARGV: rid, status, blockNumber, outboxJson, nonce
  finish: `
    redis.call('HSET', KEYS[1], 'status', ARGV[2])
    redis.call('ZREM', KEYS[2], ARGV[1])
    redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
    redis.call('HSET', KEYS[4], ARGV[1], ARGV[4])
    return 1`,
  // KEYS: req, queue, outbox · ARGV: rid, outboxJson, retentionS
  failQueued: `
    redis.call('HSET', KEYS[1], 'status', 'failed')
    redis.call('ZREM', KEYS[2], ARGV[1])
    redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
    redis.call('EXPIRE', KEYS[1], ARGV[3])
    return 1`,
  // A confirmed transaction an L1 reorg removed: monitored again at its nonce.
  // KEYS: req, watch, active · ARGV: rid, nonce
  reopen: `
    redis.call('HSET', KEYS[1], 'status', 'sending')
    redis.call('HDEL', KEYS[1], 'txHash', 'blockNumber', 'blockHash')
    redis.call('ZREM', KEYS[2], ARGV[1])
    redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
    return 1`,
  // Past the reorg window: drop the bulky parts, keep a tombstone (idempotency) for the retention time.
  // KEYS: req, attempts, watch · ARGV: rid, retentionS
  retire: `
    redis.call('ZREM', KEYS[3], ARGV[1])
    redis.call('DEL', KEYS[2])
    redis.call('HDEL', KEYS[1], 'data')
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    return 1`,
  // KEYS: outbox · ARGV: rid, json
  ackOutbox: `
    if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
    return 1`,
} as const;

type ScriptName = keyof typeof SCRIPTS;

/** eth-tx-manager's Redis key space (`<prefix>*`): requests, signed attempts, nonce counter, outbox. */
export class TxStore {
  private readonly k;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    /** How long a finished request's tombstone keeps its id a no-op. */
    private readonly retentionS: number,
  ) {
    this.k = {
      meta: `${prefix}meta`,
      queue: `${prefix}queue`,
      active: `${prefix}active`,
      watch: `${prefix}watch`,
      outbox: `${prefix}outbox`,
      req: (rid: string) => `${prefix}req:${rid}`,
      att: (rid: string) => `${prefix}att:${rid}`,
    };
    for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(`l1tx_${name}`, { lua });
  }

  private run(name: ScriptName, keys: string[], args: (string | number)[]): Promise<number> {
    const fn = (this.redis as unknown as Record<string, (...a: unknown[]) => Promise<number>>)[`l1tx_${name}`];
    return fn.call(this.redis, keys.length, ...keys, ...args.map(String));
  }

  static rid(owner: string, id: string): string {
    return `${owner}:${id}`;
  }

  /** Binds the key space to one L1 account and chain; refuses state written for another. */
  async bindAccount(address: string, chainId: number): Promise<void> {
    const [a, c] = await this.redis.hmget(this.k.meta, 'address', 'chainId');
    if (a === null) {
      await this.redis.hsetnx(this.k.meta, 'address', address);
      await this.redis.hsetnx(this.k.meta, 'chainId', String(chainId));
      return this.bindAccount(address, chainId);
    }
    if (a.toLowerCase() !== address.toLowerCase() || Number(c) !== chainId) {
      throw new Error(`the Redis key space holds state of account ${a} on chain ${c}, not ${address} on chain ${chainId}: use another ETHTXMAN_REDIS_PREFIX`);
    }
  }

  async nextNonce(): Promise<number | null> {
    const v = await this.redis.hget(this.k.meta, 'nextNonce');
    return v === null ? null : Number(v);
  }

  async raiseNextNonce(nonce: number): Promise<boolean> {
    return (await this.run('raiseNextNonce', [this.k.meta], [nonce])) === 1;
  }

  /** Persists a new request; false when the (owner, id) is already known (a repeat is a no-op). */
  async enqueue(r: NewRequest, nowMs: number, invalid?: OutboxEntry): Promise<boolean> {
    const rid = TxStore.rid(r.owner, r.id);
    const created = await this.run('enqueue', [this.k.req(rid), this.k.queue, this.k.meta, this.k.outbox], [
      rid, r.owner, r.id, r.to, r.data, r.value, r.gasLimit ?? '', nowMs, invalid ? JSON.stringify(invalid) : '', this.retentionS,
    ]);
    return created === 1;
  }

  async get(rid: string): Promise<RequestRecord | null> {
    const meta = await this.meta(rid);
    return meta && this.withData(meta);
  }

  /**
   * A request without its calldata: the send loop reads every active and watched request each
   * pass, and a sequence's calldata is up to 240 kB of hex it only needs when it signs.
   */
  async meta(rid: string): Promise<RequestMeta | null> {
    const [owner, id, to, value, gasLimit, status, seq, createdAtMs, nonce, txHash, blockNumber, blockHash] = await this.redis.hmget(
      this.k.req(rid), 'owner', 'id', 'to', 'value', 'gasLimit', 'status', 'seq', 'createdAtMs', 'nonce', 'txHash', 'blockNumber', 'blockHash',
    );
    if (!status) return null;
    return {
      rid,
      owner: owner!,
      id: id!,
      to: to!,
      value: value!,
      gasLimit: gasLimit || undefined,
      status: status as RequestStatus,
      seq: Number(seq),
      createdAtMs: Number(createdAtMs),
      nonce: nonce === null ? undefined : Number(nonce),
      txHash: txHash ?? undefined,
      blockNumber: blockNumber === null ? undefined : Number(blockNumber),
      blockHash: blockHash ?? undefined,
    };
  }

  /** The request with its calldata, read now (the calldata never changes once stored). */
  async withData(meta: RequestMeta): Promise<RequestRecord> {
    return { ...meta, data: (await this.redis.hget(this.k.req(meta.rid), 'data')) ?? '0x' };
  }

  async attempts(rid: string): Promise<Attempt[]> {
    return (await this.redis.lrange(this.k.att(rid), 0, -1)).map((s) => JSON.parse(s) as Attempt);
  }

  queued = (limit: number) => this.redis.zrange(this.k.queue, 0, limit - 1);
  active = () => this.redis.zrange(this.k.active, 0, -1);
  activeCount = () => this.redis.zcard(this.k.active);
  watched = () => this.redis.zrange(this.k.watch, 0, -1, 'WITHSCORES');
  async inFlight(): Promise<number> {
    const [q, a] = await Promise.all([this.redis.zcard(this.k.queue), this.redis.zcard(this.k.active)]);
    return q + a;
  }

  async assignNonce(rid: string, attempt: Attempt): Promise<void> {
    await this.run('assignNonce', [this.k.req(rid), this.k.att(rid), this.k.queue, this.k.active, this.k.meta], [rid, attempt.nonce, JSON.stringify(attempt)]);
  }

  async addAttempt(rid: string, attempt: Attempt): Promise<void> {
    await this.run('addAttempt', [this.k.req(rid), this.k.att(rid)], [attempt.nonce, JSON.stringify(attempt)]);
  }

  async markMined(rid: string, m: { txHash: string; blockNumber: number; blockHash: string }): Promise<void> {
    await this.redis.hset(this.k.req(rid), 'status', 'mined', 'txHash', m.txHash, 'blockNumber', m.blockNumber, 'blockHash', m.blockHash);
  }

  async unmine(rid: string): Promise<void> {
    await this.redis.multi().hset(this.k.req(rid), 'status', 'sending').hdel(this.k.req(rid), 'txHash', 'blockNumber', 'blockHash').exec();
  }

  async finish(rid: string, status: 'confirmed' | 'failed', blockNumber: number, entry: OutboxEntry): Promise<void> {
    await this.run('finish', [this.k.req(rid), this.k.active, this.k.watch, this.k.outbox], [rid, status, blockNumber, JSON.stringify(entry)]);
  }

  async failQueued(rid: string, entry: OutboxEntry): Promise<void> {
    await this.run('failQueued', [this.k.req(rid), this.k.queue, this.k.outbox], [rid, JSON.stringify(entry), this.retentionS]);
  }

  async reopen(rid: string, nonce: number): Promise<void> {
    await this.run('reopen', [this.k.req(rid), this.k.watch, this.k.active], [rid, nonce]);
  }

  async retire(rid: string): Promise<void> {
    await this.run('retire', [this.k.req(rid), this.k.att(rid), this.k.watch], [rid, this.retentionS]);
  }

  async outbox(): Promise<{ rid: string; raw: string; entry: OutboxEntry }[]> {
    const h = await this.redis.hgetall(this.k.outbox);
    return Object.entries(h).map(([rid, raw]) => ({ rid, raw, entry: JSON.parse(raw) as OutboxEntry }));
  }

  async ackOutbox(rid: string, raw: string): Promise<void> {
    await this.run('ackOutbox', [this.k.outbox], [rid, raw]);
  }
}
