import type { Redis } from 'ioredis';
import type { Hex } from '@zkseq/statedb';

/**
 * One `sequenceBatches` request handed to eth-tx-manager. `submitted` until its result arrives;
 * a later result for the same id (an L1 reorg moved or undid it) replaces the earlier one.
 */
export type SequenceRecord = {
  id: string;
  from: number;
  to: number;
  status: 'submitted' | 'confirmed' | 'failed';
  /** Calldata, kept until confirmed so a restart re-submits exactly the same request. */
  data: Hex | null;
  calldataBytes: number;
  createdAtMs: number;
  txHash: Hex | null;
  blockNumber: number | null;
  blockHash: Hex | null;
  gasUsed: string | null;
  nonce: number | null;
  /** Stream sequence of the result applied last (older redeliveries are ignored). */
  resultSeq: number;
};

/** What a result did to the records. */
export type ResultOutcome = 'unknown' | 'stale' | 'confirmed' | 'moved' | 'repeat' | 'retry' | 'inconsistent';

// Every transition is one conditional script: a crash leaves the old or the new state, and a
// replayed call (restart, redelivered result) is refused or changes nothing.
const SCRIPTS = {
  // KEYS: state, inflight, req, reqs · ARGV: id, from, to, data, calldataBytes, nowMs
  begin: `
    if redis.call('EXISTS', KEYS[2]) == 1 then return redis.error_reply('SEQSENDER_IN_FLIGHT ' .. redis.call('GET', KEYS[2]) .. ' is in flight') end
    local last = tonumber(redis.call('HGET', KEYS[1], 'lastTo') or '-1')
    if last ~= tonumber(ARGV[2]) - 1 then return redis.error_reply('SEQSENDER_SEQUENCE batch ' .. ARGV[2] .. ' does not follow ' .. last) end
    if redis.call('EXISTS', KEYS[3]) == 1 then return redis.error_reply('SEQSENDER_ID ' .. ARGV[1] .. ' was used') end
    redis.call('HSET', KEYS[3], 'id', ARGV[1], 'from', ARGV[2], 'to', ARGV[3], 'status', 'submitted', 'data', ARGV[4],
      'calldataBytes', ARGV[5], 'createdAtMs', ARGV[6], 'resultSeq', 0)
    redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
    redis.call('SET', KEYS[2], ARGV[1])
    redis.call('HSET', KEYS[1], 'lastTo', ARGV[3])
    return 'OK'`,
  // KEYS: state · ARGV: lastTo. Sets the starting point once.
  init: `
    if redis.call('HEXISTS', KEYS[1], 'lastTo') == 1 then return 0 end
    redis.call('HSET', KEYS[1], 'lastTo', ARGV[1])
    return 1`,
  // L1 already holds batches up to ARGV[1] (sent before these records existed): skip them.
  // KEYS: state, inflight · ARGV: lastTo
  adopt: `
    if redis.call('EXISTS', KEYS[2]) == 1 then return redis.error_reply('SEQSENDER_IN_FLIGHT cannot adopt while a sequence is in flight') end
    if tonumber(redis.call('HGET', KEYS[1], 'lastTo') or '-1') >= tonumber(ARGV[1]) then return 0 end
    redis.call('HSET', KEYS[1], 'lastTo', ARGV[1])
    return 1`,
  // KEYS: req, inflight · ARGV: id, seq, txHash, blockNumber, blockHash, gasUsed, nonce
  confirmed: `
    if redis.call('EXISTS', KEYS[1]) == 0 then return 'unknown' end
    if tonumber(redis.call('HGET', KEYS[1], 'resultSeq')) >= tonumber(ARGV[2]) then return 'stale' end
    local before = redis.call('HGET', KEYS[1], 'status')
    -- Its range was given up and may have been sent again: landing now means it landed twice.
    if before == 'failed' then
      redis.call('HSET', KEYS[1], 'resultSeq', ARGV[2], 'txHash', ARGV[3], 'blockNumber', ARGV[4], 'blockHash', ARGV[5])
      return 'inconsistent'
    end
    redis.call('HSET', KEYS[1], 'status', 'confirmed', 'resultSeq', ARGV[2], 'txHash', ARGV[3], 'blockNumber', ARGV[4],
      'blockHash', ARGV[5], 'gasUsed', ARGV[6], 'nonce', ARGV[7])
    redis.call('HDEL', KEYS[1], 'data')
    if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
    if before == 'confirmed' then return 'moved' end
    return 'confirmed'`,
  // Only the newest request may be sent again: requests after it use later nonces and would land
  // with shifted batch numbers if it were re-sent behind them.
  // KEYS: req, inflight, state · ARGV: id, seq, errorJson
  failed: `
    if redis.call('EXISTS', KEYS[1]) == 0 then return 'unknown' end
    if tonumber(redis.call('HGET', KEYS[1], 'resultSeq')) >= tonumber(ARGV[2]) then return 'stale' end
    local before = redis.call('HGET', KEYS[1], 'status')
    redis.call('HSET', KEYS[1], 'status', 'failed', 'resultSeq', ARGV[2], 'error', ARGV[3])
    if before == 'failed' then return 'repeat' end
    if tonumber(redis.call('HGET', KEYS[1], 'to')) ~= tonumber(redis.call('HGET', KEYS[3], 'lastTo')) then return 'inconsistent' end
    redis.call('HSET', KEYS[3], 'lastTo', tonumber(redis.call('HGET', KEYS[1], 'from')) - 1)
    if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
    return 'retry'`,
} as const;

type ScriptName = keyof typeof SCRIPTS;

/** The sequence-sender's own records in Redis (`<prefix>*`): the chain of requests it handed out. */
export class SequenceRecords {
  private readonly k;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.k = {
      state: `${prefix}state`,
      inflight: `${prefix}inflight`,
      reqs: `${prefix}reqs`,
      req: (id: string) => `${prefix}req:${id}`,
    };
    for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(`seqsender_${name}`, { lua });
  }

  private run(name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown> {
    const fn = (this.redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[`seqsender_${name}`];
    return fn.call(this.redis, keys.length, ...keys, ...args.map(String));
  }

  /** Last batch handed to eth-tx-manager; null before the first start. */
  async lastTo(): Promise<number | null> {
    const v = await this.redis.hget(this.k.state, 'lastTo');
    return v === null ? null : Number(v);
  }

  async init(lastTo: number): Promise<boolean> {
    return (await this.run('init', [this.k.state], [lastTo])) === 1;
  }

  async adopt(lastTo: number): Promise<boolean> {
    return (await this.run('adopt', [this.k.state, this.k.inflight], [lastTo])) === 1;
  }

  async inFlight(): Promise<SequenceRecord | null> {
    const id = await this.redis.get(this.k.inflight);
    return id === null ? null : this.get(id);
  }

  async idUsed(id: string): Promise<boolean> {
    return (await this.redis.exists(this.k.req(id))) === 1;
  }

  /** Records a request before it is published; refused unless it continues the chain with nothing in flight. */
  async begin(r: { id: string; from: number; to: number; data: Hex; calldataBytes: number }, nowMs: number): Promise<void> {
    await this.run('begin', [this.k.state, this.k.inflight, this.k.req(r.id), this.k.reqs], [r.id, r.from, r.to, r.data, r.calldataBytes, nowMs]);
  }

  async confirmed(id: string, seq: number, r: { txHash: Hex; blockNumber: number; blockHash: Hex; gasUsed: string; nonce: number | null }): Promise<ResultOutcome> {
    return (await this.run('confirmed', [this.k.req(id), this.k.inflight], [id, seq, r.txHash, r.blockNumber, r.blockHash, r.gasUsed, r.nonce ?? ''])) as ResultOutcome;
  }

  async failed(id: string, seq: number, error: unknown): Promise<ResultOutcome> {
    return (await this.run('failed', [this.k.req(id), this.k.inflight, this.k.state], [id, seq, JSON.stringify(error ?? null)])) as ResultOutcome;
  }

  async get(id: string): Promise<SequenceRecord | null> {
    const h = await this.redis.hgetall(this.k.req(id));
    if (h.id === undefined) return null;
    const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
    return {
      id: h.id,
      from: Number(h.from),
      to: Number(h.to),
      status: h.status as SequenceRecord['status'],
      data: (h.data as Hex | undefined) ?? null,
      calldataBytes: Number(h.calldataBytes),
      createdAtMs: Number(h.createdAtMs),
      txHash: (h.txHash as Hex | undefined) ?? null,
      blockNumber: num(h.blockNumber),
      blockHash: (h.blockHash as Hex | undefined) ?? null,
      gasUsed: h.gasUsed ?? null,
      nonce: num(h.nonce),
      resultSeq: Number(h.resultSeq),
    };
  }

  /** Requests in batch order (tests and operators). */
  async all(): Promise<SequenceRecord[]> {
    const ids = await this.redis.zrange(this.k.reqs, 0, -1);
    return (await Promise.all(ids.map((id) => this.get(id)))).filter((r): r is SequenceRecord => r !== null);
  }
}
