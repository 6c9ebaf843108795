import type { Redis } from 'ioredis';
import { batchToFields, decodeBlock, decodeTx, encodeBlock, encodeTx, fieldsToBatch } from './codec';
import { stateKeys, type StateKeys } from './keys';
import { APPEND_BLOCKS, CLOSE_BATCH, INIT_GENESIS, LATEST_BLOCK, MARK_VIRTUAL, OPEN_BATCH, PUT_FORCED, ROLLBACK_VIRTUAL } from './scripts';
import type { Batch, BatchResources, ForcedBatch, FoundLog, Halt, Heads, Hex, LatestGer, LogFilter, StoredBlock, StoredTx } from './types';

/**
 * The scripts, defined as ioredis commands on the connection: each call is an EVALSHA with the
 * key count first, and the text goes to Redis only when it answers NOSCRIPT.
 */
const SCRIPTS = {
  stateOpenBatch: OPEN_BATCH,
  stateAppendBlocks: APPEND_BLOCKS,
  stateCloseBatch: CLOSE_BATCH,
  stateMarkVirtual: MARK_VIRTUAL,
  stateRollbackVirtual: ROLLBACK_VIRTUAL,
  stateInitGenesis: INIT_GENESIS,
  stateLatestBlock: LATEST_BLOCK,
  statePutForced: PUT_FORCED,
} as const;
type ScriptName = keyof typeof SCRIPTS;
type ScriptCommands = Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;

/** One block of an `appendBlocks` call: the block, its transaction and the tx's batchL2Data entry. */
export type AppendedBlock = { block: StoredBlock; tx: StoredTx; batchL2Data: Hex };

/** The lease a sequencer writes under: its writes are refused once `leaseKey` holds another token. */
export type Fence = { leaseKey: string; token: string };

export type StateDbOptions = {
  /** Key prefix, e.g. `state:`; tests use a random one. */
  prefix: string;
  /** Upper bound on the blocks one getLogs call may scan. */
  maxLogBlockRange: number;
  /** Set on the sequencer's writer (see `withFence`); the lease key lives in the same Redis. */
  fence?: Fence;
};

/**
 * A refused transition: SEQUENCE (not the next batch/block: a replay), STATUS (wrong batch
 * status), HALTED (the halt flag is set), FENCED (the writer's lease is gone).
 */
export class StateDbError extends Error {
  constructor(
    readonly kind: 'SEQUENCE' | 'STATUS' | 'HALTED' | 'FENCED',
    message: string,
  ) {
    super(message);
    this.name = 'StateDbError';
  }
}

/** Redis error replies of the scripts (`STATEDB_<KIND> ...`) as StateDbErrors. */
function mapScriptError(err: unknown): unknown {
  const m = err instanceof Error ? /^STATEDB_(SEQUENCE|STATUS|HALTED|FENCED) /.exec(err.message) : null;
  return m ? new StateDbError(m[1] as StateDbError['kind'], err instanceof Error ? err.message : String(err)) : err;
}

export const defaultStateDbOptions: StateDbOptions = { prefix: 'state:', maxLogBlockRange: 10_000 };

export type OpenBatchInput = Pick<Batch, 'number' | 'coinbase' | 'timestamp' | 'globalExitRoot' | 'stateRoot' | 'localExitRoot'> & {
  forcedBatchNum?: number | null;
};

/** What changes on the batch with each appended block. */
export type BatchProgress = { stateRoot: Hex; localExitRoot: Hex; resources: BatchResources };

export type CloseBatchInput = BatchProgress & {
  accInputHash: Hex;
  closingReason: string;
  /** The batch's full L2 data when it differs from the appended blocks' entries (forced batches). */
  batchL2Data?: Hex;
};

const emptyResources: BatchResources = { gasUsed: 0, bytes: 0, txCount: 0, counters: {} };

/**
 * The StateDB. Writers: the sequencer (open/append/close), the sequence-sender (L1 tx hash) and
 * the synchronizer (virtual state). Every transition is one atomic, conditional Lua script.
 */
export class StateDb {
  private readonly keys: StateKeys;
  private readonly opts: StateDbOptions;

  constructor(
    private readonly redis: Redis,
    opts: Partial<StateDbOptions> = {},
  ) {
    this.opts = { ...defaultStateDbOptions, ...opts };
    this.keys = stateKeys(this.opts.prefix);
    for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { lua });
  }

  /** The same StateDB whose sequencer writes (open, append, close) require the lease to hold `token`. */
  withFence(leaseKey: string, token: string): StateDb {
    return new StateDb(this.redis, { ...this.opts, fence: { leaseKey, token } });
  }

  private guardKeys(): [string, string] {
    return [this.keys.halt, this.opts.fence?.leaseKey ?? this.keys.halt];
  }

  private get token(): string {
    return this.opts.fence?.token ?? '';
  }

  private async script(name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await (this.redis as unknown as ScriptCommands)[name](keys.length, ...keys, ...args);
    } catch (err) {
      throw mapScriptError(err);
    }
  }

  /** Writes batch 0 and block 0 for a genesis root; a no-op when the StateDB already has a head. */
  async initGenesis(g: { stateRoot: Hex; timestamp: number; coinbase: Hex; block: StoredBlock }): Promise<boolean> {
    const zero = `0x${'0'.repeat(64)}` as Hex;
    const batch: Omit<Batch, 'batchL2Data'> = {
      number: 0, coinbase: g.coinbase, timestamp: g.timestamp, globalExitRoot: zero, stateRoot: g.stateRoot,
      localExitRoot: zero, accInputHash: zero, status: 'virtual', closingReason: 'genesis', resources: emptyResources,
      openedAt: 0, closedAt: 0, forcedBatchNum: null, sendSequencesTxHash: null, virtualL1Block: null,
    };
    const k = this.keys;
    const res = await this.script('stateInitGenesis', [k.head, k.batch(0), k.block(0), k.blockByHash(g.block.hash)],
      [JSON.stringify(batchToFields(batch)), encodeBlock(g.block), g.block.hash]);
    return res === 'OK';
  }

  async getHeads(): Promise<Heads | null> {
    const h = await this.redis.hgetall(this.keys.head);
    if (h.lastBatch === undefined) return null;
    return {
      lastBatch: Number(h.lastBatch),
      lastClosedBatch: Number(h.lastClosedBatch),
      lastVirtualBatch: Number(h.lastVirtualBatch),
      lastVerifiedBatch: Number(h.lastVerifiedBatch),
      lastBlock: Number(h.lastBlock),
      lastForcedBatch: Number(h.lastForcedBatch ?? 0),
    };
  }

  async openBatch(b: OpenBatchInput, now = Date.now()): Promise<void> {
    const fields = batchToFields({
      ...b, accInputHash: null, status: 'open', closingReason: null, resources: emptyResources, openedAt: now,
      closedAt: null, forcedBatchNum: b.forcedBatchNum ?? null, sendSequencesTxHash: null, virtualL1Block: null,
    });
    await this.script('stateOpenBatch', [this.keys.head, this.keys.batch(b.number), ...this.guardKeys()], [b.number, JSON.stringify(fields), this.token]);
  }

  /**
   * Appends one L2 block (one transaction before etrog) to the open batch: the block, the
   * transaction with its receipt and logs, the log indexes, the batch's L2 data and progress.
   * Refused unless the block is the next one and the batch is open.
   */
  async appendBlock(batchNumber: number, block: StoredBlock, tx: StoredTx, batchL2DataOfTx: Hex, progress: BatchProgress): Promise<void> {
    await this.appendBlocks(batchNumber, [{ block, tx, batchL2Data: batchL2DataOfTx }], progress);
  }

  /** Appends consecutive blocks in one atomic write (all or none); `progress` is the batch's after the last. */
  async appendBlocks(batchNumber: number, blocks: readonly AppendedBlock[], progress: BatchProgress): Promise<void> {
    if (blocks.length === 0) return;
    const k = this.keys;
    const keys = [k.head, k.batch(batchNumber), k.batchData(batchNumber), k.batchTxs(batchNumber), k.logBlocks, ...this.guardKeys()];
    const args: (string | number)[] = [batchNumber, this.token, blocks.length, JSON.stringify(batchToFields(progress))];
    for (const { block, tx, batchL2Data } of blocks) {
      const logAddresses = [...new Set(tx.receipt.logs.map((l) => l.address.toLowerCase()))];
      keys.push(k.block(block.number), k.blockByHash(block.hash), k.tx(tx.hash), ...logAddresses.map((a) => k.logAddress(a)));
      args.push(block.number, encodeBlock(block), block.hash, encodeTx(tx), tx.hash.toLowerCase(), batchL2Data.slice(2), logAddresses.length);
    }
    await this.script('stateAppendBlocks', keys, args);
  }

  async closeBatch(batchNumber: number, c: CloseBatchInput, now = Date.now()): Promise<void> {
    const { batchL2Data, ...rest } = c;
    const fields = batchToFields({ ...rest, closedAt: now });
    await this.script('stateCloseBatch', [this.keys.head, this.keys.batch(batchNumber), ...this.guardKeys(), this.keys.batchData(batchNumber)],
      [batchNumber, JSON.stringify(fields), this.token, batchL2Data === undefined ? '' : batchL2Data.slice(2)]);
  }

  /**
   * Records a forced batch seen on L1 for the sequencer (idempotent; the first `seenAt` is kept).
   * Returns false when it is already sequenced.
   */
  async putForcedBatch(fb: ForcedBatch): Promise<boolean> {
    return (await this.script('statePutForced', [this.keys.head, this.keys.forcedBatches], [fb.forceBatchNum, JSON.stringify(fb)])) === 'OK';
  }

  /** Forced batches with a number above `after`, in number order. */
  async getForcedBatches(after: number): Promise<ForcedBatch[]> {
    const all = await this.redis.hgetall(this.keys.forcedBatches);
    return Object.entries(all)
      .filter(([n]) => Number(n) > after)
      .map(([, v]) => JSON.parse(v) as ForcedBatch)
      .sort((a, b) => a.forceBatchNum - b.forceBatchNum);
  }

  /** Records the newest L1 global exit root (written by whoever follows L1). */
  async setLatestGer(g: LatestGer): Promise<void> {
    await this.redis.set(this.keys.latestGer, JSON.stringify(g));
  }

  async getLatestGer(): Promise<LatestGer | null> {
    const raw = await this.redis.get(this.keys.latestGer);
    return raw ? (JSON.parse(raw) as LatestGer) : null;
  }

  /** Records the L1 transaction that carries batches `from..to` (sequence-sender). */
  async setSequenceTx(from: number, to: number, l1TxHash: Hex): Promise<void> {
    const pipeline = this.redis.multi();
    for (let n = from; n <= to; n++) pipeline.hset(this.keys.batch(n), 'sendSequencesTxHash', l1TxHash);
    await pipeline.exec();
  }

  /** Marks the next closed batch virtual; returns false when it already was (idempotent replay). */
  async markVirtual(batchNumber: number, l1Block: number, l1TxHash: Hex): Promise<boolean> {
    const res = await this.script('stateMarkVirtual', [this.keys.head, this.keys.batch(batchNumber)], [batchNumber, l1Block, l1TxHash]);
    return res === 'OK';
  }

  /** L1 reorg: batches above `keptBatch` lose their virtual status and their L1 tx hash. */
  async rollbackVirtual(keptBatch: number): Promise<void> {
    const heads = await this.getHeads();
    if (!heads || heads.lastVirtualBatch <= keptBatch) return;
    const keys = [this.keys.head];
    for (let n = keptBatch + 1; n <= heads.lastVirtualBatch; n++) keys.push(this.keys.batch(n));
    await this.script('stateRollbackVirtual', keys, [keptBatch]);
  }

  async getBatch(n: number): Promise<Batch | null> {
    const [[, fields], [, data]] = (await this.redis.multi().hgetall(this.keys.batch(n)).get(this.keys.batchData(n)).exec()) as [
      [null, Record<string, string>], [null, string | null],
    ];
    if (!fields || fields.number === undefined) return null;
    return fieldsToBatch(fields, data);
  }

  /** Batches `from..to` (inclusive) in one round trip; missing ones are left out. */
  async getBatches(from: number, to: number): Promise<Batch[]> {
    if (to < from) return [];
    const m = this.redis.multi();
    for (let n = from; n <= to; n++) m.hgetall(this.keys.batch(n)).get(this.keys.batchData(n));
    const res = (await m.exec()) as [Error | null, unknown][];
    const out: Batch[] = [];
    for (let i = 0; i < res.length; i += 2) {
      const fields = res[i][1] as Record<string, string>;
      if (fields && fields.number !== undefined) out.push(fieldsToBatch(fields, res[i + 1][1] as string | null));
    }
    return out;
  }

  /** Raises the halt flag; the first halt is kept (returns false when one was already set). */
  async setHalt(h: Halt): Promise<boolean> {
    return (await this.redis.set(this.keys.halt, JSON.stringify(h), 'NX')) === 'OK';
  }

  async getHalt(): Promise<Halt | null> {
    const raw = await this.redis.get(this.keys.halt);
    return raw ? (JSON.parse(raw) as Halt) : null;
  }

  /** Operator action once the cause of a halt is resolved. */
  async clearHalt(): Promise<void> {
    await this.redis.del(this.keys.halt);
  }

  async getBatchTxHashes(n: number): Promise<Hex[]> {
    return (await this.redis.lrange(this.keys.batchTxs(n), 0, -1)) as Hex[];
  }

  async getBlock(n: number): Promise<StoredBlock | null> {
    const raw = await this.redis.get(this.keys.block(n));
    return raw ? decodeBlock(raw) : null;
  }

  /** The last L2 block (its stateRoot is the latest state), or null before genesis. */
  async getLatestBlock(): Promise<StoredBlock | null> {
    const raw = (await this.script('stateLatestBlock', [this.keys.head], [this.keys.block(0).slice(0, -1)])) as string | null;
    return raw ? decodeBlock(raw) : null;
  }

  async getBlockNumberByHash(hash: string): Promise<number | null> {
    const raw = await this.redis.get(this.keys.blockByHash(hash));
    return raw === null ? null : Number(raw);
  }

  async getTx(hash: string): Promise<StoredTx | null> {
    const raw = await this.redis.get(this.keys.tx(hash));
    return raw ? decodeTx(raw) : null;
  }

  async getTxs(hashes: string[]): Promise<(StoredTx | null)[]> {
    if (hashes.length === 0) return [];
    const raws = await this.redis.mget(hashes.map((h) => this.keys.tx(h)));
    return raws.map((r) => (r ? decodeTx(r) : null));
  }

  /** eth_getLogs over a bounded block range, using the per-address index when addresses are given. */
  async getLogs(f: LogFilter): Promise<FoundLog[]> {
    if (f.toBlock - f.fromBlock + 1 > this.opts.maxLogBlockRange) {
      throw new RangeError(`block range ${f.fromBlock}..${f.toBlock} exceeds ${this.opts.maxLogBlockRange} blocks`);
    }
    const indexKeys = f.addresses?.length ? f.addresses.map((a) => this.keys.logAddress(a)) : [this.keys.logBlocks];
    const blockSets = await Promise.all(indexKeys.map((key) => this.redis.zrangebyscore(key, f.fromBlock, f.toBlock)));
    const blocks = [...new Set(blockSets.flat().map(Number))].sort((a, b) => a - b);
    if (blocks.length === 0) return [];
    const blockRecords = (await this.redis.mget(blocks.map((n) => this.keys.block(n)))).filter((r): r is string => r !== null)
      .map(decodeBlock);
    const txs = await this.getTxs(blockRecords.flatMap((b) => b.transactions));
    const addresses = f.addresses?.map((a) => a.toLowerCase());
    const out: FoundLog[] = [];
    for (const tx of txs) {
      if (!tx) continue;
      for (const log of tx.receipt.logs) {
        if (addresses && !addresses.includes(log.address.toLowerCase())) continue;
        if (!topicsMatch(log.topics, f.topics)) continue;
        out.push({ ...log, blockNumber: tx.blockNumber, blockHash: tx.blockHash, transactionHash: tx.hash, transactionIndex: 0, batchNumber: tx.batchNumber });
      }
    }
    return out;
  }
}

function topicsMatch(topics: Hex[], filter: LogFilter['topics']): boolean {
  if (!filter) return true;
  return filter.every((alternatives, i) => {
    if (alternatives === null || alternatives.length === 0) return true;
    const t = topics[i]?.toLowerCase();
    return t !== undefined && alternatives.some((a) => a.toLowerCase() === t);
  });
}
