import { decodeEthRawTx, fromHex, toHex } from '@zkseq/batch';
import { CodedError, ExecutorErrorCode } from '@zkseq/errors';
import { isTransient, type ExecutorClient, type ProcessBatchRequest, type ProcessBatchResponse } from '@zkseq/grpc';
import type { BatchClosed, L2BlockAnnounced } from '@zkseq/messaging';
import type { PoolDb, PoolTx } from '@zkseq/pooldb';
import { sleep, type Logger } from '@zkseq/service';
import { h4Equal, h4ToHex, hexToH4, type H4 } from '@zkseq/smt';
import type { Batch, ForcedBatch, Hex, LatestGer, StateDb } from '@zkseq/statedb';
import { addTx, batchL2Data, closingAccInputHash, newBatch, resourcesToUsage, usageToResources, ZERO_HASH, type ChainTip, type OpenBatch } from './batch';
import type { SequencerOptions } from './config';
import type { SequencerMetrics, TimeSplit } from './metrics';
import { classify, type Outcome } from './outcomes';
import { Persister, type PersistOp, type TxItem } from './persister';
import { closingReason, COUNTER_NAMES, emptyUsage, remainingFor, usageRatios, type ClosingReason } from './resources';
import { selectCandidates, type Measured } from './selection';
import type { Wakeup } from './wakeup';

const FORK_ID = 6;
/** How often the StateDB's forced batches, latest GER and the pool counts are read. */
const INPUTS_REFRESH_MS = 1_000;
const MEASURED_CAP = 100_000;
/** Up to this many consecutive txs of one sender in a candidate read. */
const CANDIDATES_PER_SENDER = 4;

export type SessionDeps = {
  /** Fenced with this leadership's lease token. */
  state: StateDb;
  pool: PoolDb;
  executor: ExecutorClient;
  publishBlock: (msg: L2BlockAnnounced) => void;
  publishClosed: (msg: BatchClosed) => Promise<void>;
  metrics: SequencerMetrics;
  logger: Logger;
  options: SequencerOptions;
  split: TimeSplit;
  wakeup: Wakeup;
  /** Measurements of transactions that did not fit, kept across sessions. */
  measured: Map<string, Measured>;
};

/** The StateDB and the hashdb disagree: nothing the sequencer can repair by itself. */
export class InconsistentStateError extends Error {
  override name = 'InconsistentStateError';
}

/** The open batch's state is gone from the hashdb (it restarted): rebuild from the StateDB. */
export class ResyncNeeded extends Error {
  override name = 'ResyncNeeded';
}

/**
 * One stretch of sequencing under one view of the chain: rebuilt from the StateDB when it starts
 * (at the first lease acquisition, after a crash or a takeover, after an error), then the loop:
 * close the open batch when a closing condition holds, sequence forced batches, select candidates
 * from the pool and pre-execute them on the open batch's root (one candidate-mode ProcessBatch per
 * round, persisting), and hand what was included to the persister. Any failure ends the session;
 * the next one starts again from what the StateDB holds.
 */
export class Session {
  private tip!: ChainTip;
  private batch: OpenBatch | null = null;
  private persister!: Persister;
  private readonly inFlight = new Map<string, string>();
  /** Per sender: how many of its txs are in flight, and the nonce after the highest of them. */
  private readonly inFlightPerSender = new Map<string, { count: number; next: number }>();
  /** Failed/invalid outcomes on their way to the pool: not selected again meanwhile. */
  private readonly terminal = new Set<string>();
  private forced: ForcedBatch[] = [];
  private latestGer: LatestGer | null = null;
  private inputsReadAt = 0;
  /** Calls left to make with one candidate each, after a candidate call the executor refused. */
  private probeCalls = 0;
  private executorFailures = 0;
  private resumeForced: { batch: Batch; appended: number } | null = null;

  constructor(private readonly d: SessionDeps) {}

  private get o(): SequencerOptions {
    return this.d.options;
  }

  async run(signal: AbortSignal): Promise<void> {
    await this.recover();
    let prefetched: Promise<PoolTx[] | null> | null = null;
    try {
      while (!signal.aborted) {
        if (this.persister.error) throw this.persister.error;
        await this.refreshInputs();
        if (this.resumeForced) {
          await this.d.split.time('executing', () => this.sequenceForced(this.forced[0], this.resumeForced));
          continue;
        }
        if (this.maybeClose()) continue;
        if (this.forced.length > 0 && (!this.batch || this.batch.usage.txs === 0)) {
          this.batch = null;
          await this.d.split.time('executing', () => this.sequenceForced(this.forced[0], null));
          continue;
        }
        if (this.persister.backlog >= this.o.maxUnpersistedTxs) {
          await this.d.split.time('persisting', () => this.persister.waitBacklogBelow(Math.floor(this.o.maxUnpersistedTxs / 2)));
          continue;
        }
        const sel = await this.d.split.time('selecting', () => this.select(prefetched));
        prefetched = null;
        if (sel.length === 0) {
          await this.d.split.time('idle', () => this.d.wakeup.wait(this.idleMs(), signal));
          continue;
        }
        const executing = this.d.split.time('executing', () => this.execute(sel, signal));
        // The pool is read for the next call while the executor works on this one.
        prefetched = this.fetchCandidates(sel).catch(() => null);
        await executing;
      }
      // Shutdown: what was executed is written before the lease goes.
      await this.d.split.time('persisting', () => this.persister.drain()).catch(() => undefined);
    } finally {
      await this.persister.stop();
    }
  }

  // ---- recovery -------------------------------------------------------------------------------

  private async recover(): Promise<void> {
    const s = this.d.state;
    const heads = await s.getHeads();
    if (!heads) throw new InconsistentStateError('the StateDB has no genesis');
    const [last, latestBlock, flush] = await Promise.all([s.getBatch(heads.lastBatch), s.getLatestBlock(), this.d.executor.getFlushStatus()]);
    if (!last || !latestBlock) throw new InconsistentStateError(`the StateDB misses batch ${heads.lastBatch} or its latest block`);
    this.persister = new Persister(
      {
        state: s, pool: this.d.pool, flushStatus: () => this.d.executor.getFlushStatus(), publishBlock: this.d.publishBlock, publishClosed: this.d.publishClosed,
        metrics: this.d.metrics, logger: this.d.logger, flushPollMs: this.o.flushPollMs, onApplied: (op) => this.applied(op),
      },
      { number: latestBlock.number, hash: latestBlock.hash },
      flush.proverId,
    );
    this.forced = await s.getForcedBatches(heads.lastForcedBatch);
    if (last.status === 'open') {
      const prev = await s.getBatch(last.number - 1);
      if (!prev || prev.accInputHash === null) throw new InconsistentStateError(`batch ${last.number - 1} before the open batch is missing or not closed`);
      this.tip = { lastBatch: prev.number, stateRoot: hexToH4(prev.stateRoot), accInputHash: prev.accInputHash, timestamp: prev.timestamp, lastForcedBatch: heads.lastForcedBatch };
      if (last.forcedBatchNum !== null) {
        this.resumeForced = { batch: last, appended: last.resources.txCount };
        if (this.forced[0]?.forceBatchNum !== last.forcedBatchNum) throw new InconsistentStateError(`open batch ${last.number} sequences forced batch ${last.forcedBatchNum}, which is not recorded`);
      } else {
        this.batch = await this.rebuildOpenBatch(last, prev);
      }
    } else {
      this.tip = { lastBatch: last.number, stateRoot: hexToH4(last.stateRoot), accInputHash: last.accInputHash ?? ZERO_HASH, timestamp: last.timestamp, lastForcedBatch: heads.lastForcedBatch };
      if (last.number > 0) await this.d.publishClosed(closedMessage(last)).catch((err: unknown) => this.d.logger.warn({ err }, 'batch.closed republish failed'));
    }
    await this.reconcilePool(last.number);
    this.d.metrics.batchNumber.set(this.batch?.number ?? this.tip.lastBatch + 1);
    this.d.logger.info(
      { lastBatch: last.number, status: last.status, txs: last.resources.txCount, lastBlock: latestBlock.number, stateRoot: this.batch ? h4ToHex(this.batch.root) : h4ToHex(this.tip.stateRoot), forcedPending: this.forced.length },
      'sequencer state rebuilt from the StateDB',
    );
  }

  /**
   * The open batch as stored: its data is executed again from the previous batch's root (nothing
   * stored) and must end on the stored root, so the batch continues exactly where the StateDB is.
   */
  private async rebuildOpenBatch(last: Batch, prev: Batch): Promise<OpenBatch> {
    const root = hexToH4(last.stateRoot);
    const initialRoot = hexToH4(prev.stateRoot);
    const res = await this.d.executor.processBatch(this.request(initialRoot, prev.accInputHash!, last.number, fromHex(last.batchL2Data), last.globalExitRoot, last.timestamp, last.coinbase, false, { noCounters: true }));
    const included = res.responses.filter((r) => r.included).length;
    if (!h4Equal(res.newStateRoot, root) || included !== last.resources.txCount) {
      throw new InconsistentStateError(`open batch ${last.number}: re-execution gives root ${h4ToHex(res.newStateRoot)} with ${included} txs, the StateDB has ${last.stateRoot} with ${last.resources.txCount}`);
    }
    return {
      number: last.number, timestamp: last.timestamp, globalExitRoot: last.globalExitRoot, coinbase: last.coinbase, forcedBatchNum: null, initialRoot, root,
      localExitRoot: last.localExitRoot, usage: resourcesToUsage(last.resources), entries: [fromHex(last.batchL2Data)], firstTxAt: last.openedAt, opened: true,
      prevAccInputHash: prev.accInputHash!, excluded: new Set(),
    };
  }

  /**
   * Transactions of the last batch the pool may not know are included (a crash between the block
   * write and the pool update): marked selected now, or their nonce moved past when the pool let
   * them go meanwhile.
   */
  private async reconcilePool(batchNumber: number): Promise<void> {
    const txs = (await this.d.state.getTxs(await this.d.state.getBatchTxHashes(batchNumber))).filter((t) => t !== null);
    const pending = (await Promise.all(txs.map((t) => this.d.pool.get(t.hash)))).map((p, i) => ({ p, t: txs[i] }));
    let fixed = 0;
    for (const { p, t } of pending) {
      if (p?.status === 'selected') continue;
      if (p?.status === 'pending') await this.d.pool.markSelected(t.hash);
      else await this.d.pool.setAccountNonce(t.from, Number(BigInt(t.nonce)) + 1);
      fixed++;
    }
    if (fixed > 0) this.d.logger.warn({ batch: batchNumber, fixed }, 'pool updated for transactions already in blocks');
  }

  // ---- inputs, closure ------------------------------------------------------------------------

  private async refreshInputs(): Promise<void> {
    const now = Date.now();
    if (now - this.inputsReadAt < INPUTS_REFRESH_MS) return;
    this.inputsReadAt = now;
    const [forced, ger, counts] = await Promise.all([
      this.d.state.getForcedBatches(this.tip.lastForcedBatch),
      this.o.gerDeadlineMs > 0 ? this.d.state.getLatestGer() : Promise.resolve(null),
      this.d.pool.counts(),
    ]);
    if (!this.resumeForced) this.forced = forced;
    this.latestGer = ger;
    this.d.metrics.poolPending.set(counts.pending);
    this.d.metrics.poolQueued.set(counts.queued);
    const b = this.batch;
    if (b && b.usage.txs === 0 && !b.opened) b.globalExitRoot = this.desiredGer();
  }

  private desiredGer(): Hex {
    return this.o.gerDeadlineMs > 0 && this.latestGer ? this.latestGer.globalExitRoot : ZERO_HASH;
  }

  private deadlines(): { forcedBatchDeadline: number | null; gerDeadline: number | null } {
    const b = this.batch;
    const forcedBatchDeadline = this.forced.length > 0 ? this.forced[0].seenAt + this.o.forcedBatchDeadlineMs : null;
    const newerGer = b !== null && this.latestGer !== null && this.o.gerDeadlineMs > 0 && this.latestGer.globalExitRoot !== b.globalExitRoot;
    return { forcedBatchDeadline, gerDeadline: newerGer ? this.latestGer!.seenAt + this.o.gerDeadlineMs : null };
  }

  private policy() {
    return { limits: this.o.limits, marginPct: this.o.closeMarginPct, timeoutMs: this.o.batchTimeoutMs, mcp: this.o.mcp };
  }

  /** Sleeps at most until the next closing deadline. */
  private idleMs(): number {
    const now = Date.now();
    let ms = this.o.idlePollMs;
    const b = this.batch;
    if (b?.firstTxAt != null) ms = Math.min(ms, b.firstTxAt + this.o.batchTimeoutMs - now);
    const { forcedBatchDeadline, gerDeadline } = this.deadlines();
    if (forcedBatchDeadline !== null) ms = Math.min(ms, forcedBatchDeadline - now);
    if (gerDeadline !== null) ms = Math.min(ms, gerDeadline - now);
    return Math.max(1, ms);
  }

  private maybeClose(): boolean {
    const b = this.batch;
    if (!b || b.usage.txs === 0) return false;
    const reason = closingReason({ usage: b.usage, firstTxAt: b.firstTxAt, now: Date.now(), ...this.deadlines() }, this.policy());
    if (!reason) return false;
    this.close(b, reason);
    return true;
  }

  private close(b: OpenBatch, reason: ClosingReason): void {
    const data = batchL2Data(b);
    const acc = closingAccInputHash(b.prevAccInputHash, data, b.globalExitRoot, b.timestamp, b.coinbase);
    const stateRoot = h4ToHex(b.root) as Hex;
    const announce: BatchClosed = {
      batchNumber: b.number, stateRoot, accInputHash: acc, localExitRoot: b.localExitRoot, globalExitRoot: b.globalExitRoot, timestamp: b.timestamp,
      coinbase: b.coinbase, txCount: b.usage.txs, closingReason: reason,
    };
    this.persister.push({
      kind: 'close', batchNumber: b.number, announce,
      input: { stateRoot, localExitRoot: b.localExitRoot, resources: usageToResources(b.usage), accInputHash: acc, closingReason: reason },
    });
    const m = this.d.metrics;
    m.batchesClosed.inc({ reason });
    if (b.firstTxAt !== null) m.batchOpenSeconds.observe((Date.now() - b.firstTxAt) / 1000);
    m.batchTxs.observe(b.usage.txs);
    m.batchGas.observe(b.usage.gas);
    m.batchBytes.observe(b.usage.bytes);
    for (const [resource, r] of Object.entries(usageRatios(b.usage, this.o.limits, this.o.mcp))) m.batchUsagePct.observe({ resource }, r * 100);
    this.d.logger.info({ batch: b.number, reason, txs: b.usage.txs, gas: b.usage.gas, bytes: b.usage.bytes, stateRoot }, 'batch closed');
    this.tip = { lastBatch: b.number, stateRoot: b.root, accInputHash: acc, timestamp: b.timestamp, lastForcedBatch: this.tip.lastForcedBatch };
    this.batch = null;
    m.batchNumber.set(b.number + 1);
  }

  // ---- selection and execution ----------------------------------------------------------------

  /**
   * The next call's candidates: from the pool list read during the previous call when it still
   * yields some (the filter runs on the current state), else from a fresh read.
   */
  private async select(prefetched: Promise<PoolTx[] | null> | null): Promise<PoolTx[]> {
    const usage = this.batch?.usage ?? emptyUsage();
    if (usage.txs >= this.o.limits.txs) return [];
    const early = prefetched ? await prefetched : null;
    if (early) {
      const sel = this.choose(early);
      if (sel.length > 0) return sel;
    }
    return this.choose(await this.fetchCandidates([]));
  }

  /**
   * Reads the pool's best executable txs past those in flight (and past `also`, the txs of the call
   * under way): the pool's heads lag behind until the persister marks them selected.
   */
  private fetchCandidates(also: readonly PoolTx[]): Promise<PoolTx[]> {
    const next = new Map<string, number>();
    for (const [from, f] of this.inFlightPerSender) next.set(from, f.next);
    for (const t of also) next.set(t.from, Math.max(next.get(t.from) ?? 0, t.nonce + 1));
    const skipped = (this.batch?.excluded.size ?? 0) + this.terminal.size;
    return this.d.pool.readyCandidatesFrom(this.o.candidatesPerCall + skipped, CANDIDATES_PER_SENDER, next);
  }

  private choose(list: readonly PoolTx[]): PoolTx[] {
    const b = this.batch;
    const excluded = b?.excluded;
    const terminal = this.terminal;
    const sel = selectCandidates(list, {
      usage: b?.usage ?? emptyUsage(), limits: this.o.limits, mcp: this.o.mcp, inFlight: this.inFlight, measured: this.d.measured,
      excluded: { has: (h: string) => terminal.has(h) || (excluded?.has(h) ?? false) }, maxCandidates: this.probeCalls > 0 ? 1 : this.o.candidatesPerCall,
    });
    if (sel.skippedForResources > 0) this.d.metrics.skippedForResources.inc(sel.skippedForResources);
    return sel.txs;
  }

  private request(root: H4, acc: Hex, batchNumber: number, data: Uint8Array, ger: Hex, timestamp: number, coinbase: Hex, persist: boolean, extra: Partial<ProcessBatchRequest> = {}): ProcessBatchRequest {
    return {
      oldStateRoot: root, oldAccInputHash: fromHex(acc), oldBatchNum: BigInt(batchNumber - 1), chainId: BigInt(this.o.chainId), forkId: FORK_ID, batchL2Data: data,
      globalExitRoot: fromHex(ger), timestamp: BigInt(timestamp), coinbase, updateMerkleTree: persist, ...extra,
    };
  }

  private async execute(candidates: PoolTx[], signal: AbortSignal): Promise<void> {
    if (!this.batch) this.batch = newBatch(this.tip, { coinbase: this.o.coinbase as Hex, globalExitRoot: this.desiredGer(), nowMs: Date.now() });
    const b = this.batch;
    // An empty batch takes the time of its first transaction, not of its creation.
    if (!b.opened && b.usage.txs === 0) b.timestamp = Math.max(Math.floor(Date.now() / 1000), this.tip.timestamp);
    const data = Buffer.concat(candidates.map((c) => fromHex(c.l2Data)));
    const remaining = remainingFor(b.usage, this.o.limits, this.o.mcp, data.length);
    const proverId = this.persister.proverId;
    const t0 = performance.now();
    let res: ProcessBatchResponse;
    try {
      res = await this.d.executor.processBatch(this.request(b.root, b.prevAccInputHash, b.number, data, b.globalExitRoot, b.timestamp, b.coinbase, true, { remaining }));
    } catch (err) {
      this.d.metrics.executorSeconds.observe({ kind: 'candidates', outcome: 'error' }, (performance.now() - t0) / 1000);
      await this.executorFailed(err, candidates, signal);
      return;
    }
    this.d.metrics.executorSeconds.observe({ kind: 'candidates', outcome: 'ok' }, (performance.now() - t0) / 1000);
    this.d.metrics.candidatesPerCall.observe(candidates.length);
    this.executorFailures = 0;
    if (res.flushId <= 0) throw new InconsistentStateError('the executor returned no flush id for a stored execution (EXECUTOR_FLUSH_ON_PERSIST must be on)');
    const outcomes = classify(candidates, res, this.o.limits, this.o.mcp);
    if (this.probeCalls > 0) this.probeCalls--;
    this.apply(b, outcomes, res, proverId);
  }

  private apply(b: OpenBatch, outcomes: Outcome[], res: ProcessBatchResponse, proverId: string): void {
    const items: TxItem[] = [];
    const later: PersistOp[] = [];
    const ler = toHex(res.newLocalExitRoot) as Hex;
    for (const o of outcomes) {
      this.d.metrics.txOutcomes.inc({ outcome: o.kind });
      switch (o.kind) {
        case 'included': {
          const r = o.res;
          const bytes = r.batchL2Data.length;
          b.usage = addTx(b.usage, { gas: Number(r.gasUsed), counters: r.counters }, bytes);
          b.entries.push(r.batchL2Data);
          items.push({
            pool: o.tx, hash: o.tx.hash, from: o.tx.from, nonce: o.tx.nonce, res: r, entry: toHex(r.batchL2Data) as Hex,
            progress: { stateRoot: h4ToHex(r.stateRoot!) as Hex, localExitRoot: ler, resources: usageToResources(b.usage) },
          });
          this.inFlight.set(o.tx.hash, o.tx.from);
          const f = this.inFlightPerSender.get(o.tx.from);
          this.inFlightPerSender.set(o.tx.from, { count: (f?.count ?? 0) + 1, next: Math.max(f?.next ?? 0, o.tx.nonce + 1) });
          break;
        }
        case 'not-fitting':
          b.excluded.add(o.tx.hash);
          if (this.d.measured.size >= MEASURED_CAP) this.d.measured.delete(this.d.measured.keys().next().value as string);
          this.d.measured.set(o.tx.hash, o.measured);
          break;
        case 'later':
          // Its sender's earlier nonce did not make it: nothing to retry before the next batch.
          b.excluded.add(o.tx.hash);
          break;
        case 'failed':
        case 'invalid':
          this.terminal.add(o.tx.hash);
          later.push({ kind: 'outcome', tx: o.tx, status: o.kind, reason: o.reason });
          this.d.logger.info({ tx: o.tx.hash, from: o.tx.from, nonce: o.tx.nonce, outcome: o.kind, reason: o.reason }, 'transaction leaves the pool');
          break;
      }
    }
    if (items.length > 0) {
      if (!b.opened) {
        this.persister.push({
          kind: 'open', openedAt: Date.now(),
          batch: { number: b.number, coinbase: b.coinbase, timestamp: b.timestamp, globalExitRoot: b.globalExitRoot, stateRoot: h4ToHex(b.initialRoot) as Hex, localExitRoot: b.localExitRoot },
        });
        b.opened = true;
        this.d.metrics.batchNumber.set(b.number);
      }
      b.root = res.newStateRoot;
      b.localExitRoot = ler;
      b.firstTxAt ??= Date.now();
      this.persister.push({ kind: 'txs', batchNumber: b.number, batchTimestamp: b.timestamp, coinbase: b.coinbase, flushId: res.flushId, proverId, items });
    }
    // After the txs of the same call: a "nonce too low" may rest on one of them.
    for (const op of later) this.persister.push(op);
    for (const [resource, r] of Object.entries(usageRatios(b.usage, this.o.limits, this.o.mcp))) this.d.metrics.openBatchUsagePct.set({ resource }, r * 100);
  }

  private applied(op: PersistOp): void {
    if (op.kind === 'txs') {
      for (const it of op.items) {
        if (!this.inFlight.delete(it.hash)) continue;
        const f = this.inFlightPerSender.get(it.from);
        if (!f || f.count <= 1) this.inFlightPerSender.delete(it.from);
        else f.count--;
      }
    } else if (op.kind === 'outcome') {
      this.terminal.delete(op.tx.hash);
    }
    this.d.wakeup.notify();
  }

  /**
   * Transient failures (executor or hashdb unreachable, deadline) are retried after a pause. A
   * lost root means the hashdb restarted: resync. Anything else may be caused by one transaction:
   * candidates are then tried one at a time, and one that fails alone is invalid (zkevm-node:
   * an executor error on a tx marks it invalid), so it cannot stall the pipeline.
   */
  private async executorFailed(err: unknown, candidates: PoolTx[], signal: AbortSignal): Promise<void> {
    if (err instanceof CodedError && err.code === ExecutorErrorCode.UnknownRoot) throw new ResyncNeeded(`executor: ${err.message}`);
    const transient = isTransient(err) || (err instanceof CodedError && err.code === ExecutorErrorCode.HashDbUnavailable);
    if (transient) {
      this.executorFailures++;
      const delay = Math.min(5_000, 100 * 2 ** Math.min(this.executorFailures, 6));
      this.d.logger.warn({ err, delay, attempt: this.executorFailures }, 'executor unavailable; retrying');
      await sleep(delay, signal).catch(() => undefined);
      return;
    }
    if (candidates.length > 1) {
      this.probeCalls = candidates.length;
      this.d.logger.warn({ err, candidates: candidates.length }, 'executor refused a candidate call; trying the candidates one at a time');
      return;
    }
    const tx = candidates[0];
    this.terminal.add(tx.hash);
    this.persister.push({ kind: 'outcome', tx, status: 'invalid', reason: `executor error: ${(err as Error).message}` });
    this.d.logger.warn({ err, tx: tx.hash }, 'transaction makes the executor fail; marked invalid');
  }

  // ---- forced batches -------------------------------------------------------------------------

  /**
   * A forced batch becomes its own batch with exactly its L2 data, executed with the ROM's rules
   * (no candidate selection): transactions with an intrinsic error get no block, and an
   * out-of-counters batch keeps only the GER write. `resume` continues one a crash left open.
   */
  private async sequenceForced(fb: ForcedBatch | undefined, resume: { batch: Batch; appended: number } | null): Promise<void> {
    if (!fb) throw new InconsistentStateError('forced batch to resume is not recorded');
    const number = this.tip.lastBatch + 1;
    const timestamp = resume ? resume.batch.timestamp : Math.max(Math.floor(Date.now() / 1000), this.tip.timestamp, fb.timestamp);
    const coinbase = resume ? resume.batch.coinbase : (this.o.coinbase as Hex);
    const data = fromHex(fb.transactions);
    const proverId = this.persister.proverId;
    const t0 = performance.now();
    const res = await this.d.executor.processBatch(this.request(this.tip.stateRoot, this.tip.accInputHash, number, data, fb.globalExitRoot, timestamp, coinbase, true));
    this.d.metrics.executorSeconds.observe({ kind: 'forced', outcome: 'ok' }, (performance.now() - t0) / 1000);
    const ler = toHex(res.newLocalExitRoot) as Hex;
    let usage = emptyUsage();
    const items: TxItem[] = [];
    for (const r of res.responses.filter((x) => x.included)) {
      usage = addTx(usage, { gas: Number(r.gasUsed), counters: r.counters }, r.batchL2Data.length);
      const { tx } = decodeEthRawTx(r.rlpTx);
      items.push({
        pool: null, hash: toHex(r.txHash), from: r.from.toLowerCase(), nonce: Number(tx.nonce), res: r, entry: toHex(r.batchL2Data) as Hex,
        progress: { stateRoot: h4ToHex(r.stateRoot!) as Hex, localExitRoot: ler, resources: usageToResources(usage) },
      });
    }
    usage = { ...usage, bytes: data.length };
    for (const k of COUNTER_NAMES) usage.counters[k] = res.counters[k];
    if (resume) {
      const stored = items[resume.appended - 1];
      if (resume.appended > items.length || (stored && stored.progress.stateRoot !== resume.batch.stateRoot)) {
        throw new InconsistentStateError(`forced batch ${fb.forceBatchNum} (batch ${number}) re-executes to other blocks than the StateDB holds`);
      }
    } else {
      this.persister.push({
        kind: 'open', openedAt: Date.now(),
        batch: { number, coinbase, timestamp, globalExitRoot: fb.globalExitRoot, stateRoot: h4ToHex(this.tip.stateRoot) as Hex, localExitRoot: ZERO_HASH, forcedBatchNum: fb.forceBatchNum },
      });
    }
    const toWrite = resume ? items.slice(resume.appended) : items;
    if (toWrite.length > 0) this.persister.push({ kind: 'txs', batchNumber: number, batchTimestamp: timestamp, coinbase, flushId: res.flushId, proverId, items: toWrite });
    const stateRoot = h4ToHex(res.newStateRoot) as Hex;
    const acc = closingAccInputHash(this.tip.accInputHash, data, fb.globalExitRoot, timestamp, coinbase);
    const reason: ClosingReason = 'forced-batch';
    this.persister.push({
      kind: 'close', batchNumber: number, flush: { flushId: res.flushId, proverId },
      input: { stateRoot, localExitRoot: ler, resources: usageToResources({ ...usage, txs: items.length }), accInputHash: acc, closingReason: reason, batchL2Data: fb.transactions },
      announce: { batchNumber: number, stateRoot, accInputHash: acc, localExitRoot: ler, globalExitRoot: fb.globalExitRoot, timestamp, coinbase, txCount: items.length, closingReason: reason },
    });
    this.d.metrics.batchesClosed.inc({ reason });
    this.d.metrics.forcedBatches.inc();
    this.d.logger.info({ batch: number, forceBatchNum: fb.forceBatchNum, txs: items.length, romError: res.errorRom, stateRoot }, 'forced batch sequenced');
    this.tip = { lastBatch: number, stateRoot: res.newStateRoot, accInputHash: acc, timestamp, lastForcedBatch: fb.forceBatchNum };
    this.forced.shift();
    this.resumeForced = null;
    this.d.metrics.batchNumber.set(number + 1);
  }
}

function closedMessage(b: Batch): BatchClosed {
  return {
    batchNumber: b.number, stateRoot: b.stateRoot, accInputHash: b.accInputHash ?? ZERO_HASH, localExitRoot: b.localExitRoot, globalExitRoot: b.globalExitRoot,
    timestamp: b.timestamp, coinbase: b.coinbase, txCount: b.resources.txCount, closingReason: b.closingReason ?? '',
  };
}
