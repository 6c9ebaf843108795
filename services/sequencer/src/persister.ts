import type { ProcessTxResponse } from '@zkseq/grpc';
import type { BatchClosed, L2BlockAnnounced } from '@zkseq/messaging';
import { PoolStatusError, type PoolDb, type PoolTx } from '@zkseq/pooldb';
import { sleep, type Logger } from '@zkseq/service';
import type { AppendedBlock, BatchProgress, CloseBatchInput, Hex, OpenBatchInput, StateDb } from '@zkseq/statedb';
import { buildBlock } from './blocks';
import type { SequencerMetrics } from './metrics';

/** The hashdb behind the executor lost what it had not flushed (it restarted). */
export class HashDbRestartedError extends Error {
  constructor(before: string, now: string) {
    super(`hashdb instance changed from ${before} to ${now}: unflushed state is gone`);
    this.name = 'HashDbRestartedError';
  }
}

export type FlushStatusSource = () => Promise<{ storedFlushId: number; proverId: string }>;

/** One executed transaction on its way to the StateDB: its block follows the previous one. */
export type TxItem = {
  /** The pool's record (null for a forced batch's tx that never was in the pool). */
  pool: PoolTx | null;
  hash: string;
  from: string;
  nonce: number;
  res: ProcessTxResponse;
  entry: Hex;
  /** The batch's progress once this tx is in. */
  progress: BatchProgress;
};

export type PersistOp =
  | { kind: 'open'; batch: OpenBatchInput; openedAt: number }
  | { kind: 'txs'; batchNumber: number; batchTimestamp: number; coinbase: Hex; flushId: number; proverId: string; items: TxItem[] }
  | { kind: 'outcome'; tx: PoolTx; status: 'failed' | 'invalid'; reason: string }
  /** `flush`: when the closing root may hold state no written tx covers (a forced batch's GER write). */
  | { kind: 'close'; batchNumber: number; input: CloseBatchInput; announce: BatchClosed; flush?: { flushId: number; proverId: string } };

export type PersisterDeps = {
  state: StateDb;
  pool: PoolDb;
  flushStatus: FlushStatusSource;
  publishBlock: (msg: L2BlockAnnounced) => void;
  publishClosed: (msg: BatchClosed) => Promise<void>;
  metrics: SequencerMetrics;
  logger: Logger;
  flushPollMs: number;
  /** Called after each op is applied (the loop frees its in-flight bookkeeping). */
  onApplied: (op: PersistOp) => void;
};

/**
 * Included txs the pool did not have as pending (`statuses` from markSelectedMany; 'selected'
 * already counts): replaced after they were selected (a race with admission), or never seen (a
 * forced batch). The pool's nonce of each sender must move past them, which fails any pending tx
 * at the same nonce; raising it past the sender's highest such nonce does all at once.
 */
export function poolNoncesToRaise(items: readonly Pick<TxItem, 'from' | 'nonce'>[], statuses: readonly (string | null)[]): Map<string, number> {
  const next = new Map<string, number>();
  items.forEach((it, i) => {
    const status = statuses[i];
    if (status !== null && status !== 'selected') next.set(it.from, Math.max(next.get(it.from) ?? 0, it.nonce + 1));
  });
  return next;
}

/**
 * Applies the sequencer's writes strictly in order, each only after what it depends on is durable:
 * an executed transaction's block, tx, receipt and logs are written once the hashdb flush id
 * covering its state is stored (a crash then loses nothing the StateDB refers to), and only then
 * is the pool told (selected); outcomes and closures queue behind the transactions before them.
 * The sequencing loop executes ahead meanwhile. A failure stops the persister; the loop sees it
 * and rebuilds from the StateDB (what was not written is simply executed again).
 */
export class Persister {
  private readonly queue: PersistOp[] = [];
  private running: Promise<void> | null = null;
  private stopped = false;
  private failure: unknown = null;
  private wake: (() => void) | null = null;
  private drained: (() => void)[] = [];
  private lastBlock: { number: number; hash: Hex };
  private storedFlushId = 0;
  private unpersistedTxs = 0;
  proverId: string;

  constructor(
    private readonly d: PersisterDeps,
    lastBlock: { number: number; hash: Hex },
    proverId: string,
  ) {
    this.lastBlock = lastBlock;
    this.proverId = proverId;
  }

  /** Transactions executed but not in the StateDB yet. */
  get backlog(): number {
    return this.unpersistedTxs;
  }

  get error(): unknown {
    return this.failure;
  }

  push(op: PersistOp): void {
    if (this.failure) return;
    if (op.kind === 'txs') this.unpersistedTxs += op.items.length;
    this.queue.push(op);
    this.wake?.();
    this.running ??= this.loop();
  }

  /** Resolves when everything queued so far is applied (rejects with the failure, if any). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.failure) await new Promise<void>((r) => this.drained.push(r));
    if (this.failure) throw this.failure;
  }

  /** Resolves when the backlog is at most `n` transactions, or on failure. */
  async waitBacklogBelow(n: number): Promise<void> {
    while (this.unpersistedTxs > n && !this.failure) await new Promise<void>((r) => this.drained.push(r));
    if (this.failure) throw this.failure;
  }

  /** Stops after the op being applied; queued ops are dropped. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running?.catch(() => undefined);
    this.failure ??= new Error('persister stopped');
    this.notify();
  }

  private async loop(): Promise<void> {
    try {
      while (!this.stopped) {
        const op = this.queue[0];
        if (!op) {
          await new Promise<void>((r) => (this.wake = r));
          this.wake = null;
          continue;
        }
        await this.apply(op);
        this.queue.shift();
        if (op.kind === 'txs') this.unpersistedTxs -= op.items.length;
        this.d.onApplied(op);
        this.notify();
      }
    } catch (err) {
      this.failure = err;
      this.queue.length = 0;
      this.notify();
    }
  }

  private notify(): void {
    const waiters = this.drained;
    this.drained = [];
    for (const w of waiters) w();
  }

  private async apply(op: PersistOp): Promise<void> {
    switch (op.kind) {
      case 'open':
        await this.d.state.openBatch(op.batch, op.openedAt);
        return;
      case 'txs':
        await this.waitFlush(op.flushId, op.proverId);
        await this.writeTxs(op);
        return;
      case 'outcome':
        await this.poolOutcome(op);
        return;
      case 'close':
        if (op.flush) await this.waitFlush(op.flush.flushId, op.flush.proverId);
        await this.d.state.closeBatch(op.batchNumber, op.input);
        await this.d.publishClosed(op.announce).catch((err: unknown) => this.d.logger.error({ err, batch: op.batchNumber }, 'batch.closed not published (republished at the next start)'));
        return;
    }
  }

  private async waitFlush(flushId: number, proverId: string): Promise<void> {
    if (flushId <= this.storedFlushId && proverId === this.proverId) return;
    const t0 = performance.now();
    for (;;) {
      const s = await this.d.flushStatus();
      if (s.proverId !== proverId) throw new HashDbRestartedError(proverId, s.proverId);
      this.proverId = s.proverId;
      this.storedFlushId = s.storedFlushId;
      if (s.storedFlushId >= flushId) break;
      if (this.stopped) throw new Error('persister stopped');
      await sleep(this.d.flushPollMs);
    }
    this.d.metrics.flushWaitSeconds.observe((performance.now() - t0) / 1000);
  }

  private async writeTxs(op: Extract<PersistOp, { kind: 'txs' }>): Promise<void> {
    const t0 = performance.now();
    const blocks: AppendedBlock[] = [];
    let parent = this.lastBlock;
    for (const it of op.items) {
      const ctx = { number: parent.number + 1, parentHash: parent.hash, batchNumber: op.batchNumber, timestamp: op.batchTimestamp, coinbase: op.coinbase };
      const { block, tx } = buildBlock(ctx, it.res);
      blocks.push({ block, tx, batchL2Data: it.entry });
      parent = { number: block.number, hash: block.hash };
    }
    // One atomic write for the whole call: all its blocks or none.
    await this.d.state.appendBlocks(op.batchNumber, blocks, op.items[op.items.length - 1].progress);
    this.lastBlock = parent;
    for (const { block, tx } of blocks) {
      this.d.publishBlock({ number: block.number, hash: block.hash, parentHash: block.parentHash, stateRoot: block.stateRoot, timestamp: block.timestamp, batchNumber: op.batchNumber, txHash: tx.hash });
    }
    this.d.metrics.blocks.inc(blocks.length);
    await this.markSelected(op.items);
    this.d.metrics.persisterBusySeconds.inc((performance.now() - t0) / 1000);
  }

  /** The pool learns a tx is in a block only after the block is stored, so a crash never loses one. */
  private async markSelected(items: readonly TxItem[]): Promise<void> {
    const now = Date.now();
    for (const it of items) if (it.pool) this.d.metrics.inclusionSeconds.observe(Math.max(0, now - it.pool.receivedAt) / 1000);
    const statuses = await this.d.pool.markSelectedMany(items.map((it) => it.hash), now);
    items.forEach((it, i) => {
      const status = statuses[i];
      if (status !== null && status !== 'selected' && status !== 'unknown') this.d.logger.warn({ tx: it.hash, poolStatus: status }, 'included transaction had left the pool meanwhile (replaced); its nonce is now used');
    });
    await Promise.all([...poolNoncesToRaise(items, statuses)].map(([from, nonce]) => this.d.pool.setAccountNonce(from, nonce)));
  }

  private async poolOutcome(op: Extract<PersistOp, { kind: 'outcome' }>): Promise<void> {
    try {
      if (op.status === 'failed') await this.d.pool.markFailed(op.tx.hash, op.reason);
      else await this.d.pool.markInvalid(op.tx.hash, op.reason);
    } catch (err) {
      // Replaced or expired meanwhile: it has left the pool anyway.
      if (!(err instanceof PoolStatusError)) throw err;
    }
  }
}
