import type { Redis } from 'ioredis';
import { poolKeys, type PoolKeys } from './keys';
import { ADD_TX, CANDIDATES, CANDIDATES_FROM, EXPIRE_OLD, MARK_DONE, MARK_SELECTED, PENDING_NONCE, RELEASE, SET_ACCOUNT_NONCE } from './scripts';
import type { AddResult, Hex, NewPoolTx, PoolCounts, PoolLimits, PoolTx, PoolTxStatus } from './types';

export type PoolDbOptions = {
  /** Key prefix, e.g. `pool:`; tests use a random one. */
  prefix: string;
  limits: PoolLimits;
  /** How long selected / failed / invalid records stay readable (eth_getTransactionByHash, status queries). */
  retentionSec: number;
};

export const defaultPoolLimits: PoolLimits = {
  accountPending: 16,
  accountQueued: 64,
  globalPending: 5120,
  globalQueued: 1024,
  priceBumpPercent: 10,
  nonceWindow: 64,
};

export const defaultPoolDbOptions: PoolDbOptions = { prefix: 'pool:', limits: defaultPoolLimits, retentionSec: 24 * 3600 };

/** Thrown when a status transition does not apply to the transaction's current status. */
export class PoolStatusError extends Error {
  constructor(
    readonly hash: string,
    readonly status: string,
    wanted: string,
  ) {
    super(`pool tx ${hash} is ${status}, not ${wanted}`);
    this.name = 'PoolStatusError';
  }
}

/**
 * The scripts, defined as ioredis commands on the connection: each call is an EVALSHA, and the
 * text goes to Redis only when it answers NOSCRIPT. No keys are declared (ARGV[1] is the prefix).
 */
const SCRIPTS = {
  poolAddTx: ADD_TX,
  poolMarkSelected: MARK_SELECTED,
  poolMarkDone: MARK_DONE,
  poolRelease: RELEASE,
  poolSetAccountNonce: SET_ACCOUNT_NONCE,
  poolExpireOld: EXPIRE_OLD,
  poolCandidates: CANDIDATES,
  poolCandidatesFrom: CANDIDATES_FROM,
  poolPendingNonce: PENDING_NONCE,
} as const;
type ScriptName = keyof typeof SCRIPTS;
type ScriptCommands = Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;

/** The part of a record no script reads, stored as one JSON field: fewer arguments, a smaller hash. */
type RecordData = { to: string | null; gasLimit: number; value: string; chainId: number | null; raw: Hex; l2Data: Hex; size: number; dataSize: number; intrinsicGas: number };

function recordData(tx: NewPoolTx): string {
  const d: RecordData = {
    to: tx.to?.toLowerCase() ?? null, gasLimit: tx.gasLimit, value: tx.value.toString(), chainId: tx.chainId, raw: tx.raw, l2Data: tx.l2Data,
    size: tx.size, dataSize: tx.dataSize, intrinsicGas: tx.intrinsicGas,
  };
  return JSON.stringify(d);
}

function fromFields(f: Record<string, string>): PoolTx {
  const d = JSON.parse(f.data) as RecordData;
  return {
    hash: f.hash as Hex,
    from: f.from as Hex,
    to: d.to as Hex | null,
    nonce: Number(f.nonce),
    gasPrice: BigInt(f.gasPrice),
    gasLimit: d.gasLimit,
    value: BigInt(d.value),
    chainId: d.chainId,
    raw: d.raw,
    l2Data: d.l2Data,
    size: d.size,
    dataSize: d.dataSize,
    intrinsicGas: d.intrinsicGas,
    receivedAt: Number(f.receivedAt),
    status: f.status as PoolTxStatus,
    reason: f.reason ? f.reason : null,
    updatedAt: Number(f.updatedAt),
  };
}

function pairsToRecord(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

function checkTransition(res: string[], hash: string, wanted: string): void {
  if (res[0] === 'OK') return;
  if (res[0] === 'STATUS') throw new PoolStatusError(hash, res[1], wanted);
  if (res[0] === 'CONFLICT') throw new PoolStatusError(hash, 'selected', `releasable (another pending tx holds its nonce)`);
  throw new Error(`unexpected pool script reply ${res[0]}`);
}

/**
 * The pool DB. Writers: the pool service (add; blocked list; expiry) and the sequencer (status
 * transitions). Every write is one atomic Lua script, so any number of pool replicas can admit
 * concurrently while the sequencer selects.
 */
export class PoolDb {
  readonly keys: PoolKeys;
  readonly opts: PoolDbOptions;

  constructor(
    private readonly redis: Redis,
    opts: Partial<Omit<PoolDbOptions, 'limits'>> & { limits?: Partial<PoolLimits> } = {},
  ) {
    this.opts = { ...defaultPoolDbOptions, ...opts, limits: { ...defaultPoolLimits, ...opts.limits } };
    this.keys = poolKeys(this.opts.prefix);
    for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { lua, numberOfKeys: 0 });
  }

  private async script<T>(name: ScriptName, args: (string | number)[]): Promise<T> {
    return (await (this.redis as unknown as ScriptCommands)[name](...args)) as T;
  }

  /**
   * Admits a transaction whose stateless checks passed. `stateNonce` is the sender's nonce at the
   * latest state root; the pool's own view (raised by selections) wins when it is higher. Checks
   * atomically: blocked sender, already known, nonce too low / too high (window), replacement
   * price bump, per-account and global limits. A rejection writes nothing.
   */
  async add(tx: NewPoolTx, stateNonce: number, now = Date.now()): Promise<AddResult> {
    const l = this.opts.limits;
    const res = await this.script<string[]>('poolAddTx', [
      this.opts.prefix, tx.hash.toLowerCase(), tx.from.toLowerCase(), tx.nonce, tx.gasPrice.toString(), stateNonce, now, this.opts.retentionSec,
      l.accountPending, l.accountQueued, l.globalPending, l.globalQueued, l.priceBumpPercent, l.nonceWindow, tx.receivedAt, recordData(tx),
    ]);
    switch (res[0]) {
      case 'OK':
        return { ok: true, replaced: res[1] ? (res[1] as Hex) : null };
      case 'BLOCKED':
        return { ok: false, rejection: { kind: 'blocked' } };
      case 'ALREADY_KNOWN':
        return { ok: false, rejection: { kind: 'already-known' } };
      case 'NONCE_TOO_LOW':
        return { ok: false, rejection: { kind: 'nonce-too-low', accountNonce: Number(res[1]) } };
      case 'NONCE_TOO_HIGH':
        return { ok: false, rejection: { kind: 'nonce-too-high', accountNonce: Number(res[1]), maxNonce: Number(res[2]) } };
      case 'REPLACEMENT_UNDERPRICED': {
        const old = BigInt(res[2]);
        const bump = BigInt(100 + l.priceBumpPercent);
        const minGasPrice = (old * bump + 99n) / 100n;
        return { ok: false, rejection: { kind: 'replacement-underpriced', existing: res[1] as Hex, existingGasPrice: old, minGasPrice } };
      }
      case 'ACCOUNT_LIMIT':
        return { ok: false, rejection: { kind: 'account-limit', which: res[1] as 'pending' | 'queued', limit: Number(res[2]) } };
      case 'POOL_FULL':
        return { ok: false, rejection: { kind: 'pool-full', which: res[1] as 'pending' | 'queued', limit: Number(res[2]) } };
      default:
        throw new Error(`unexpected pool script reply ${res[0]}`);
    }
  }

  async get(hash: string): Promise<PoolTx | null> {
    const f = await this.redis.hgetall(this.keys.tx(hash.toLowerCase()));
    return f.hash === undefined ? null : fromFields(f);
  }

  /**
   * Selection input for the sequencer: executable transactions, highest gas price first, each
   * sender's transactions in strict nonce order (a tx never precedes a lower nonce of its sender).
   * Looks at the `maxSenders` best senders and up to `perSender` transactions of each.
   */
  async readyCandidates(maxSenders: number, perSender = 1): Promise<PoolTx[]> {
    const groups = await this.script<string[][][]>('poolCandidates', [this.opts.prefix, maxSenders, perSender]);
    return mergeByPrice(groups.map((g) => g.map((flat) => fromFields(pairsToRecord(flat)))));
  }

  /**
   * Like `readyCandidates`, for a sequencer ahead of the pool: the senders in `nextNonces` have
   * transactions executed but not marked selected yet, and their runs start at the given nonce.
   * Collects about `maxTxs` transactions (whole sender runs of up to `perSender`), best first.
   */
  async readyCandidatesFrom(maxTxs: number, perSender: number, nextNonces: ReadonlyMap<string, number>): Promise<PoolTx[]> {
    const pairs: (string | number)[] = [];
    for (const [address, nonce] of nextNonces) pairs.push(address.toLowerCase(), nonce);
    const groups = await this.script<string[][][]>('poolCandidatesFrom', [this.opts.prefix, maxTxs, perSender, nextNonces.size, ...pairs]);
    return mergeByPrice(groups.map((g) => g.map((flat) => fromFields(pairsToRecord(flat)))));
  }

  /** pending → selected: the transaction is in a batch. Its sender's later nonces become executable. */
  async markSelected(hash: string, now = Date.now()): Promise<void> {
    const [status] = await this.markSelectedMany([hash], now);
    if (status !== null) throw new PoolStatusError(hash.toLowerCase(), status, 'pending');
  }

  /**
   * markSelected for a list (a sender's transactions in nonce order), in one atomic step. Returns,
   * per hash, null where it moved to selected, else the status it had instead of pending
   * ('unknown' when the pool never had it or forgot it); such a transaction is left as it was.
   */
  async markSelectedMany(hashes: readonly string[], now = Date.now()): Promise<(string | null)[]> {
    if (hashes.length === 0) return [];
    const res = await this.script<string[]>('poolMarkSelected', [this.opts.prefix, now, this.opts.retentionSec, ...hashes.map((h) => h.toLowerCase())]);
    if (!Array.isArray(res) || res.length !== hashes.length) throw new Error(`unexpected pool script reply ${String(res)}`);
    return res.map((r) => (r === 'OK' ? null : r));
  }

  /** pending → failed with a reason: can no longer be included (nonce or balance became impossible). */
  async markFailed(hash: string, reason: string, now = Date.now()): Promise<void> {
    await this.markDone(hash, 'failed', reason, now);
  }

  /** pending → invalid with a reason: can never be included (e.g. does not fit even an empty batch). */
  async markInvalid(hash: string, reason: string, now = Date.now()): Promise<void> {
    await this.markDone(hash, 'invalid', reason, now);
  }

  private async markDone(hash: string, status: 'failed' | 'invalid', reason: string, now: number): Promise<void> {
    const h = hash.toLowerCase();
    checkTransition(await this.script<string[]>('poolMarkDone', [this.opts.prefix, h, status, reason, now, this.opts.retentionSec]), h, 'pending');
  }

  /** selected → pending, when a selected transaction did not end up in a stored batch. */
  async release(hash: string, now = Date.now()): Promise<void> {
    const h = hash.toLowerCase();
    checkTransition(await this.script<string[]>('poolRelease', [this.opts.prefix, h, now, this.opts.retentionSec]), h, 'selected');
  }

  /** Raises the pool's nonce of `address` (e.g. the sequencer saw a higher state nonce); lower txs fail. */
  async setAccountNonce(address: string, nonce: number, now = Date.now()): Promise<void> {
    await this.script('poolSetAccountNonce', [this.opts.prefix, address.toLowerCase(), nonce, now, this.opts.retentionSec]);
  }

  /** The nonce a new transaction of `address` would take: after its gap-free pending ones. */
  async pendingNonce(address: string, stateNonce: number): Promise<number> {
    return Number(await this.script<number>('poolPendingNonce', [this.opts.prefix, address.toLowerCase(), stateNonce]));
  }

  /** Fails (reason "expired") up to `maxCount` pending transactions received more than `lifetimeMs` ago. */
  async expire(lifetimeMs: number, now = Date.now(), maxCount = 1000): Promise<number> {
    return Number(await this.script<number>('poolExpireOld', [this.opts.prefix, now - lifetimeMs, now, this.opts.retentionSec, maxCount]));
  }

  async counts(): Promise<PoolCounts> {
    const c = await this.redis.hmget(this.keys.counts, 'pending', 'queued');
    return { pending: Number(c[0] ?? 0), queued: Number(c[1] ?? 0) };
  }

  /** A sender's pending transactions in nonce order. */
  async senderPending(address: string): Promise<PoolTx[]> {
    const hashes = await this.redis.zrange(this.keys.sender(address.toLowerCase()), 0, -1);
    const pipeline = this.redis.pipeline();
    for (const h of hashes) pipeline.hgetall(this.keys.tx(h));
    const res = (await pipeline.exec()) ?? [];
    return res.map(([, f]) => f as Record<string, string>).filter((f) => f.hash !== undefined).map(fromFields);
  }

  async blockSenders(addresses: string[]): Promise<void> {
    if (addresses.length) await this.redis.sadd(this.keys.blocked, ...addresses.map((a) => a.toLowerCase()));
  }

  async unblockSenders(addresses: string[]): Promise<void> {
    if (addresses.length) await this.redis.srem(this.keys.blocked, ...addresses.map((a) => a.toLowerCase()));
  }

  async isBlocked(address: string): Promise<boolean> {
    return (await this.redis.sismember(this.keys.blocked, address.toLowerCase())) === 1;
  }
}

/**
 * Merges per-sender nonce-ordered lists into one list: at each step the highest-priced head
 * among the senders, ties by earlier arrival.
 */
export function mergeByPrice(groups: PoolTx[][]): PoolTx[] {
  const cursors = groups.filter((g) => g.length > 0).map((g) => ({ g, i: 0 }));
  const out: PoolTx[] = [];
  const better = (a: PoolTx, b: PoolTx) => a.gasPrice > b.gasPrice || (a.gasPrice === b.gasPrice && a.receivedAt < b.receivedAt);
  for (;;) {
    let best = -1;
    for (let c = 0; c < cursors.length; c++) {
      const cur = cursors[c];
      if (cur.i < cur.g.length && (best < 0 || better(cur.g[cur.i], cursors[best].g[cursors[best].i]))) best = c;
    }
    if (best < 0) return out;
    out.push(cursors[best].g[cursors[best].i++]);
  }
}
