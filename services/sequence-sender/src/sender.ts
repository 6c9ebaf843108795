import { encodeSequenceBatches } from '@zkseq/contracts';
import { SequencingErrorCode } from '@zkseq/errors';
import type { BatchSequenced, L1TxClient, L1TxResult } from '@zkseq/messaging';
import type { Logger } from '@zkseq/service';
import type { Hex, StateDb } from '@zkseq/statedb';
import type { SenderOptions } from './config';
import { batchCalldataBytes, CALLDATA_BASE_BYTES, nextGroup, type Candidate, type Group } from './group';
import type { RollupView } from './l1';
import type { Metrics } from './metrics';
import type { SequenceRecords } from './records';

export type SenderDeps = {
  state: StateDb;
  records: SequenceRecords;
  l1: RollupView;
  client: L1TxClient;
  rollup: Hex;
  publishSequenced: (msg: BatchSequenced, msgId: string) => Promise<void>;
  /** Reads this owner's results from the stream since a time (see results.ts); returns how many. */
  readResults: (since: Date, apply: (r: L1TxResult, seq: number) => Promise<void>) => Promise<number>;
  metrics: Metrics;
  logger: Logger;
  options: SenderOptions;
  signal: AbortSignal;
};

/** A request without a result for this long has its results read from the stream directly. */
const RESULT_CATCH_UP_MS = 30_000;
/** How long after a start pull requests of a killed predecessor may live on at the server (nats.js expiry). */
const PREDECESSOR_PULL_MS = 60_000;
const RESULT_CATCH_UP_EARLY_MS = 3_000;
/** Results are looked up from a little before the request's time (clocks of two hosts). */
const CLOCK_SLACK_MS = 60_000;
/** Batches read from the StateDB per round trip while building a group. */
const PAGE = 32;

export const sequenceId = (from: number, to: number, retry = 0) => `sequence-from-${from}-to-${to}${retry ? `-retry-${retry}` : ''}`;

/**
 * Turns closed batches into `sequenceBatches` requests for eth-tx-manager, one in flight at a
 * time. Its Redis records form a chain: each request starts right after the previous one, and
 * the chain only moves back when its newest request failed. The in-flight request is written
 * before it is published, and published again under the same id after a restart (eth-tx-manager
 * ignores a repeated id), unless L1 already holds its batches; so no batch is sent twice.
 */
export class SequenceSender {
  /** Ids published by this process; anything else in flight is re-published once. */
  private readonly published = new Set<string>();
  private wake: (() => void) | null = null;
  private retryAtMs = 0;
  private consecutiveFailures = 0;
  private lastNotice = '';
  private lastCatchUpMs = 0;
  private readonly startedAtMs = Date.now();
  /** Passes and result handling run one at a time: both move the request chain. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly d: SenderDeps) {}

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Where to start when there are no records yet: after what L1 or the StateDB already has. */
  async init(): Promise<void> {
    const { records, state, l1, logger } = this.d;
    if ((await records.lastTo()) === null) {
      const [onL1, heads] = await Promise.all([l1.lastBatchSequenced(), state.getHeads()]);
      const start = Math.max(onL1, heads?.lastVirtualBatch ?? 0);
      if (await records.init(start)) logger.info({ lastBatchSequenced: onL1, lastVirtualBatch: heads?.lastVirtualBatch ?? null }, `no records yet: sequencing starts after batch ${start}`);
    }
    const inFlight = await records.inFlight();
    logger.info({ lastTo: await records.lastTo(), inFlight: inFlight && { id: inFlight.id, from: inFlight.from, to: inFlight.to } }, 'sequence records loaded');
    if (inFlight) await this.catchUp(inFlight.createdAtMs);
  }

  /**
   * Applies the results published since a request was made, straight from the stream. Used at
   * start and while a request waits long: a result pushed to a crashed predecessor comes back
   * through the durable consumer only after its ack wait.
   */
  private async catchUp(sinceMs: number): Promise<void> {
    this.lastCatchUpMs = Date.now();
    const read = await this.d.readResults(new Date(sinceMs - CLOCK_SLACK_MS), (r, seq) => this.applyResult(r, seq));
    if (read) this.d.logger.info({ results: read }, 'results read from the stream');
  }

  notify(): void {
    this.wake?.();
  }

  async run(): Promise<void> {
    const { options, signal, logger, metrics } = this.d;
    let delay = options.pollMs;
    while (!signal.aborted) {
      let next = options.pollMs;
      try {
        next = Math.min(next, await this.exclusive(() => this.tick()));
        delay = options.pollMs;
      } catch (err) {
        if (signal.aborted) break;
        delay = Math.min(delay * 2, 30_000);
        next = delay;
        metrics.l1RpcErrors.inc();
        logger.warn({ err, retryInMs: delay }, 'sequencing pass failed');
      }
      await this.sleep(next);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.d.signal.removeEventListener('abort', done);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.wake = done;
      this.d.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Logs a state once, not on every pass while it lasts. */
  private notice(key: string, log: () => void): void {
    if (this.lastNotice === key) return;
    this.lastNotice = key;
    log();
  }

  /** One pass; returns how long the loop may sleep before the next one. */
  async tick(): Promise<number> {
    const { state, records, l1, metrics, logger, options } = this.d;
    const [heads, halt, lastTo, inFlight] = await Promise.all([state.getHeads(), state.getHalt(), records.lastTo(), records.inFlight()]);
    metrics.halted.set(halt ? 1 : 0);
    metrics.inFlight.set(inFlight ? 1 : 0);
    if (!heads || lastTo === null) return options.pollMs;
    metrics.closedNotSequenced.set(Math.max(0, heads.lastClosedBatch - lastTo));

    if (inFlight) {
      // Soon after a start the crashed predecessor's pull requests may still swallow results.
      const every = Date.now() - this.startedAtMs < PREDECESSOR_PULL_MS ? RESULT_CATCH_UP_EARLY_MS : RESULT_CATCH_UP_MS;
      if (Date.now() - inFlight.createdAtMs > every && Date.now() - this.lastCatchUpMs > every) {
        await this.catchUp(inFlight.createdAtMs);
        if (!(await records.inFlight())) return 0;
      }
      if (!this.published.has(inFlight.id)) {
        // After a restart: L1 holding its batches means eth-tx-manager got it mined; its result will come.
        const onL1 = await l1.lastBatchSequenced();
        if (onL1 >= inFlight.to) {
          logger.info({ id: inFlight.id, lastBatchSequenced: onL1 }, 'in-flight sequence is on L1 already; waiting for its result');
        } else {
          await this.publish(inFlight.id, inFlight.data!);
          logger.info({ id: inFlight.id, from: inFlight.from, to: inFlight.to }, 'in-flight sequence handed to eth-tx-manager again (a repeated id is ignored there)');
        }
        this.published.add(inFlight.id);
      }
      return options.pollMs;
    }
    if (halt) {
      this.notice(`halt:${halt.at}:${heads.lastClosedBatch}`, () =>
        logger.error({ halt, lastClosedBatch: heads.lastClosedBatch, closedNotSequenced: heads.lastClosedBatch - lastTo }, 'sequencing is halted; no sequence is sent until an operator clears the halt'));
      return options.pollMs;
    }
    if (heads.lastClosedBatch <= lastTo) {
      metrics.oldestUnsentAge.set(0);
      return options.pollMs;
    }
    if (Date.now() < this.retryAtMs) return this.retryAtMs - Date.now();

    const [onL1, head] = await Promise.all([l1.lastBatchSequenced(), l1.head()]);
    if (onL1 > lastTo) {
      // Batches sequenced before these records existed (or by a previous deployment of them).
      await records.adopt(onL1);
      logger.warn({ lastTo, lastBatchSequenced: onL1 }, 'L1 holds batches beyond this sender\'s records; continuing after them');
      return 0;
    }
    metrics.l1Behind.set(lastTo - onL1);
    if (onL1 < lastTo) {
      // Sending more now would put batches on L1 behind a gap if the missing ones never came back.
      this.notice(`behind:${onL1}`, () => logger.warn({ lastTo, lastBatchSequenced: onL1 }, 'L1 lost sequences this sender sent (L1 reorg); waiting for eth-tx-manager to get them mined again'));
      return options.pollMs;
    }

    const candidates = await this.candidates(lastTo + 1, Math.min(heads.lastClosedBatch, lastTo + options.maxBatches));
    const now = Date.now();
    metrics.oldestUnsentAge.set(candidates.length && candidates[0].closedAt ? (now - candidates[0].closedAt) / 1000 : 0);
    const group = nextGroup(candidates, options, head.timestamp, now);
    if (!group) {
      if (candidates.length) this.notice(`blocked:${candidates[0].number}`, () => logger.info({ batch: candidates[0].number, l1Timestamp: head.timestamp, timestamp: candidates[0].timestamp }, 'next batch cannot be sequenced yet (timestamp ahead of L1, GER or forced batch not on L1)'));
      return options.pollMs;
    }
    if (!group.ready) return group.waitMs;
    await this.send(group);
    return options.pollMs;
  }

  /**
   * Closed batches from `from` with their L1 facts, read a page at a time and only as far as one
   * sequence can reach (its calldata budget), so a long backlog of large batches is not loaded whole.
   */
  private async candidates(from: number, upTo: number): Promise<Candidate[]> {
    const out: Candidate[] = [];
    let bytes = CALLDATA_BASE_BYTES;
    for (let n = from; n <= upTo && bytes <= this.d.options.maxTxBytes; n += PAGE) {
      for (const b of await this.d.state.getBatches(n, Math.min(n + PAGE - 1, upTo))) {
        if (b.status === 'open') return out;
        const gerOnL1 = await this.d.l1.gerOnL1(b.globalExitRoot);
        const minForcedTimestamp = b.forcedBatchNum === null ? null : await this.d.l1.forcedBatchTimestamp(b.forcedBatchNum);
        out.push({ ...b, gerOnL1, minForcedTimestamp });
        bytes += batchCalldataBytes((b.batchL2Data.length - 2) / 2);
        if (!gerOnL1 || (b.forcedBatchNum !== null && minForcedTimestamp === null) || bytes > this.d.options.maxTxBytes) return out;
      }
    }
    return out;
  }

  private async send(g: Group): Promise<void> {
    const { records, metrics, logger } = this.d;
    const from = g.batches[0].number;
    const to = g.batches[g.batches.length - 1].number;
    let retry = 0;
    while (await records.idUsed(sequenceId(from, to, retry))) retry++;
    const id = sequenceId(from, to, retry);
    const data = encodeSequenceBatches(
      g.batches.map((b) => ({ transactions: b.batchL2Data, globalExitRoot: b.globalExitRoot, timestamp: BigInt(b.timestamp), minForcedTimestamp: b.minForcedTimestamp ?? 0n })),
      g.coinbase,
    );
    const bytes = (data.length - 2) / 2;
    if (bytes !== g.calldataBytes) throw new Error(`sequence calldata is ${bytes} bytes, the size model said ${g.calldataBytes}`);
    await records.begin({ id, from, to, data, calldataBytes: bytes }, Date.now());
    await this.publish(id, data);
    metrics.sequences.inc({ event: 'submitted' });
    metrics.batchesPerSequence.observe(g.batches.length);
    metrics.groupStops.inc({ reason: g.stop });
    metrics.l1BytesPerBatch.observe(bytes / g.batches.length);
    metrics.inFlight.set(1);
    logger.info({ id, from, to, batches: g.batches.length, calldataBytes: bytes, stop: g.stop }, 'sequence handed to eth-tx-manager');
  }

  private async publish(id: string, data: Hex): Promise<void> {
    await this.d.client.submit({ id, to: this.d.rollup, data });
    this.published.add(id);
  }

  /** Applies a result from `l1tx.result.<owner>`; `seq` orders results (the newest wins). */
  onResult(result: L1TxResult, seq: number): Promise<void> {
    return this.exclusive(() => this.applyResult(result, seq));
  }

  private async applyResult(result: L1TxResult, seq: number): Promise<void> {
    const { records, state, metrics, logger, l1 } = this.d;
    const rec = await records.get(result.id);
    if (!rec) {
      logger.warn({ id: result.id, status: result.status }, 'result for a request these records do not know; ignored');
      return;
    }
    const count = rec.to - rec.from + 1;
    if (result.status === 'confirmed') {
      const txHash = result.txHash!;
      const outcome = await records.confirmed(rec.id, seq, { txHash, blockNumber: result.blockNumber!, blockHash: result.blockHash!, gasUsed: result.gasUsed ?? '0', nonce: result.nonce ?? null });
      if (outcome === 'stale' || outcome === 'unknown') return;
      if (outcome === 'inconsistent') {
        await this.halt(`sequence ${rec.id} was given up after a failure but has now been mined (${txHash}): its batches may be on L1 twice`, rec.from, result.blockNumber ?? null);
        return;
      }
      await state.setSequenceTx(rec.from, rec.to, txHash);
      await this.d.publishSequenced({ fromBatch: rec.from, toBatch: rec.to, l1TxHash: txHash, requestId: rec.id }, `${rec.id}:${result.blockHash}`);
      metrics.sequences.inc({ event: outcome });
      if (outcome === 'confirmed') {
        metrics.batchesSequenced.inc(count);
        metrics.l1GasPerBatch.observe(Number(result.gasUsed ?? 0) / count);
        this.consecutiveFailures = 0;
      }
      logger.info({ id: rec.id, from: rec.from, to: rec.to, txHash, l1Block: result.blockNumber, gasUsed: result.gasUsed, moved: outcome === 'moved' }, outcome === 'moved' ? 'sequence mined again in another L1 block (L1 reorg)' : 'sequence confirmed on L1');
    } else {
      if (rec.status !== 'failed') {
        const onL1 = await l1.lastBatchSequenced();
        if (onL1 >= rec.from) {
          await this.halt(`sequence ${rec.id} failed (${result.error?.message ?? 'no reason'}) yet L1 holds batches up to ${onL1}`, rec.from, result.blockNumber ?? null);
          return;
        }
      }
      const outcome = await records.failed(rec.id, seq, result.error);
      if (outcome === 'stale' || outcome === 'unknown' || outcome === 'repeat') return;
      metrics.sequences.inc({ event: 'failed' });
      if (outcome === 'inconsistent') {
        await this.halt(`sequence ${rec.id} failed after later sequences were sent (${result.error?.message ?? 'no reason'}): they land with shifted batch numbers`, rec.from, result.blockNumber ?? null);
        return;
      }
      this.consecutiveFailures++;
      const delay = Math.min(this.d.options.retryBaseMs * 2 ** (this.consecutiveFailures - 1), this.d.options.retryMaxMs);
      this.retryAtMs = Date.now() + delay;
      l1.forgetForcedBatches();
      logger.error({ id: rec.id, from: rec.from, to: rec.to, code: SequencingErrorCode.SequenceFailed, error: result.error, txHash: result.txHash, retryInMs: delay }, 'sequence failed on L1; its batches will be sent again');
    }
    this.notify();
  }

  private async halt(reason: string, batchNumber: number, l1BlockNumber: number | null): Promise<void> {
    const halt = { source: 'sequence-sender', reason: `${SequencingErrorCode.L1Inconsistent}: ${reason}`, batchNumber, l1BlockNumber, at: Date.now() };
    await this.d.state.setHalt(halt);
    this.d.metrics.halted.set(1);
    this.d.logger.fatal({ critical: true, code: SequencingErrorCode.L1Inconsistent, ...halt }, 'sequencing halted');
  }
}
