import type { Log } from 'ethers';
import {
  decodeSequenceBatches,
  decodeSequenceForceBatches,
  parseRollupLog,
  rollupInterface,
  SEQUENCE_BATCHES_SELECTOR,
  SEQUENCE_FORCE_BATCHES_SELECTOR,
  type Hex,
  type RollupEvent,
} from '@zkseq/contracts';
import { SequencingErrorCode } from '@zkseq/errors';
import type { BatchVirtualized, ForcedBatchSeen } from '@zkseq/messaging';
import { sleep, type Logger } from '@zkseq/service';
import type { Halt, StateDb } from '@zkseq/statedb';
import { checkSequence, type L1Sequence, type Mismatch } from './check';
import type { SyncOptions } from './config';
import type { BlockHeader, GerUpdate, L1Reader } from './l1';
import type { Metrics } from './metrics';
import type { L1BlockRef, SyncStore } from './store';

export type SyncDeps = {
  l1: L1Reader;
  state: StateDb;
  store: SyncStore;
  rollup: Hex;
  deploymentBlock: L1BlockRef;
  publishVirtualized: (msg: BatchVirtualized, msgId: string) => Promise<void>;
  publishForcedBatch: (msg: ForcedBatchSeen, msgId: string) => Promise<void>;
  metrics: Metrics;
  logger: Logger;
  options: SyncOptions;
  signal: AbortSignal;
};

/** The chain this process must not follow: its deployment block is gone, or the reorg is deeper than it can see. */
export class FatalSyncError extends Error {}

const SOURCE = 'synchronizer';
type Pass = 'idle' | 'progress' | 'halted';

/**
 * Follows L1 in bounded chunks from the rollup's deployment block. Each chunk is checked to
 * continue the last processed block (parent hash); a chunk that does not starts the reorg
 * procedure: find the newest stored block still on the chain, roll virtual state above it back
 * to closed, and read on from there. Every sequence is compared with the StateDB before its
 * batches become virtual; a difference halts sequencing and stops the synchronizer at that block.
 */
export class Synchronizer {
  private lastNotice = '';

  constructor(private readonly d: SyncDeps) {}

  /** Starting point, and undoing virtual marks a crash left above the cursor. */
  async init(): Promise<void> {
    const { store, l1, deploymentBlock, logger } = this.d;
    let cursor = await store.cursor();
    if (!cursor) {
      const b = await l1.block(deploymentBlock.number);
      if (!b || b.hash !== deploymentBlock.hash) throw new FatalSyncError(`the rollup's deployment block ${deploymentBlock.number} (${deploymentBlock.hash}) is not on the L1 chain`);
      await store.advance(deploymentBlock);
      cursor = deploymentBlock;
    }
    await this.rollbackAbove(cursor.number, 'restart');
    logger.info({ cursor }, 'L1 cursor loaded');
  }

  async run(): Promise<void> {
    const { options, signal, logger, metrics } = this.d;
    let delay = options.pollMs;
    while (!signal.aborted) {
      let pass: Pass = 'idle';
      try {
        pass = await this.pass();
        delay = options.pollMs;
      } catch (err) {
        if (err instanceof FatalSyncError || signal.aborted) throw err;
        delay = Math.min(delay * 2, 30_000);
        metrics.l1RpcErrors.inc();
        logger.warn({ err, retryInMs: delay }, 'synchronization pass failed');
      }
      // An abort ends the wait early; the loop condition then stops.
      if (pass !== 'progress') await sleep(pass === 'idle' ? delay : options.pollMs, signal).catch(() => undefined);
    }
  }

  private notice(key: string, log: () => void): void {
    if (this.lastNotice === key) return;
    this.lastNotice = key;
    log();
  }

  /** One chunk of L1. */
  async pass(): Promise<Pass> {
    const { l1, store, state, metrics, options, logger } = this.d;
    const halt = await state.getHalt();
    if (halt?.source === SOURCE) {
      metrics.halted.set(1);
      this.notice(`halt:${halt.at}`, () => logger.error({ halt }, 'synchronizer stopped by its halt; waiting for an operator to clear it'));
      return 'halted';
    }
    metrics.halted.set(0);
    const cursor = (await store.cursor())!;
    const head = await l1.headNumber();
    metrics.l1Head.set(head);
    const safe = head - options.confirmations;
    if (safe <= cursor.number) {
      // Nothing new; the chain may still have replaced the block we stopped at (or got shorter).
      const b = await l1.block(cursor.number);
      if (!b || b.hash !== cursor.hash) {
        await this.reorg(cursor, b);
        return 'progress';
      }
      await this.updateGauges();
      return 'idle';
    }
    const from = cursor.number + 1;
    const to = Math.min(safe, cursor.number + options.chunkBlocks);
    const headers = new Map<number, BlockHeader>();
    const header = async (n: number) => {
      let h = headers.get(n);
      if (!h) {
        const b = await l1.block(n);
        if (!b) throw new Error(`L1 block ${n} is not available`);
        headers.set(n, (h = b));
      }
      return h;
    };
    const first = await header(from);
    if (first.parentHash !== cursor.hash) {
      await this.reorg(cursor, await l1.block(cursor.number));
      return 'progress';
    }
    const last = await header(to);
    const logs = await l1.logs(from, to);
    // The logs must come from the chain whose headers we hold; otherwise L1 moved under us: retry.
    for (const log of logs) if ((await header(log.blockNumber)).hash !== log.blockHash) throw new Error(`L1 changed while reading blocks ${from}..${to}`);

    let ger: GerUpdate | null = null;
    for (const log of logs) {
      const update = l1.parseGerUpdate(log);
      if (update) {
        ger = update;
        continue;
      }
      const event = parseRollupLog(log);
      if (!event) continue;
      const ok = await this.onEvent(event, log, await header(log.blockNumber));
      if (!ok) return 'halted';
    }
    if (ger) await this.latestGer(ger);
    const again = await l1.block(to);
    if (!again || again.hash !== last.hash) throw new Error(`L1 block ${to} changed while it was processed`);
    await store.advance({ number: to, hash: last.hash });
    metrics.l1Block.set(to);
    if (logs.length) logger.debug({ from, to, events: logs.length }, 'L1 blocks processed');
    if (to === safe) await this.updateGauges();
    return to < safe ? 'progress' : 'idle';
  }

  private async updateGauges(): Promise<void> {
    const [heads, onL1] = await Promise.all([this.d.state.getHeads(), this.d.l1.lastBatchSequenced()]);
    if (!heads) return;
    this.d.metrics.lastVirtualBatch.set(heads.lastVirtualBatch);
    this.d.metrics.sequencedNotVirtual.set(Math.max(0, onL1 - heads.lastVirtualBatch));
  }

  /** Handles one rollup event; false when it halted sequencing. */
  private async onEvent(event: RollupEvent, log: Log, block: BlockHeader): Promise<boolean> {
    if (event.name === 'ForceBatch') {
      await this.forcedBatch(event, log, block);
      return true;
    }
    const { l1, rollup } = this.d;
    const tx = await l1.tx(log.transactionHash);
    const selector = tx.data.slice(0, 10).toLowerCase();
    const expected = event.name === 'SequenceBatches' ? SEQUENCE_BATCHES_SELECTOR : SEQUENCE_FORCE_BATCHES_SELECTOR;
    const lastBatch = Number(event.numBatch);
    if (tx.to?.toLowerCase() !== rollup.toLowerCase() || selector !== expected) {
      // Only a direct call carries the batches in its calldata; a call through a contract would need a trace.
      await this.halt({ code: SequencingErrorCode.UndecodableSequence, batchNumber: lastBatch, field: 'transaction', ours: null, l1: `${tx.hash} to ${tx.to} selector ${selector}` }, block);
      return false;
    }
    let seq: Omit<L1Sequence, 'accInputHash'>;
    if (event.name === 'SequenceBatches') {
      const d = decodeSequenceBatches(tx.data);
      seq = { lastBatch, coinbase: d.l2Coinbase, batches: d.batches.map((b) => ({ transactions: b.transactions, globalExitRoot: b.globalExitRoot, timestamp: b.timestamp, forced: b.minForcedTimestamp > 0n })) };
    } else {
      // Anyone may sequence forced batches after the timeout: the caller is the coinbase, the block time the timestamp.
      const batches = decodeSequenceForceBatches(tx.data);
      seq = { lastBatch, coinbase: tx.from, batches: batches.map((b) => ({ transactions: b.transactions, globalExitRoot: b.globalExitRoot, timestamp: BigInt(block.timestamp), forced: true })) };
    }
    this.d.metrics.sequences.inc({ kind: event.name });
    const stored = await l1.sequencedAt(lastBatch, block.hash);
    const first = lastBatch - seq.batches.length + 1;
    const local = await this.d.state.getBatches(first - 1, lastBatch);
    const mismatch = checkSequence({ ...seq, accInputHash: stored.accInputHash }, local);
    if (mismatch) {
      await this.halt(mismatch, block, tx.hash);
      return false;
    }
    const byNumber = new Map(local.map((b) => [b.number, b]));
    let marked = 0;
    for (let n = first; n <= lastBatch; n++) {
      if (!(await this.d.state.markVirtual(n, block.number, tx.hash))) continue;
      marked++;
      const b = byNumber.get(n)!;
      if (b.closedAt) this.d.metrics.virtualizationLatency.observe(Math.max(0, Date.now() - b.closedAt) / 1000);
      await this.d.publishVirtualized({ batchNumber: n, l1BlockNumber: block.number, l1TxHash: tx.hash, accInputHash: b.accInputHash! }, `virtualized-${n}-${block.hash}`);
    }
    this.d.metrics.virtualized.inc(marked);
    this.d.logger.info({ from: first, to: lastBatch, l1Block: block.number, l1TxHash: tx.hash, accInputHash: stored.accInputHash, marked }, 'batches virtual');
    return true;
  }

  private async forcedBatch(event: Extract<RollupEvent, { name: 'ForceBatch' }>, log: Log, block: BlockHeader): Promise<void> {
    let transactions = event.transactions;
    if (transactions === '0x') {
      // Sent by an EOA: the contract logs no bytes, the transaction's calldata has them.
      const tx = await this.d.l1.tx(log.transactionHash);
      transactions = rollupInterface().decodeFunctionData('forceBatch', tx.data)[0] as Hex;
    }
    const msg: ForcedBatchSeen = {
      forceBatchNum: Number(event.forceBatchNum), globalExitRoot: event.lastGlobalExitRoot, timestamp: block.timestamp,
      transactions, sequencer: event.sequencer, l1BlockNumber: block.number,
    };
    await this.d.publishForcedBatch(msg, `forced-batch-${msg.forceBatchNum}-${block.hash}`);
    this.d.metrics.forcedBatches.inc();
    this.d.logger.info({ forceBatchNum: msg.forceBatchNum, l1Block: block.number, bytes: (transactions.length - 2) / 2 }, 'forced batch handed to the sequencer');
  }

  /** The newest GER on L1, for the sequencer's next batch. */
  private async latestGer(g: GerUpdate): Promise<void> {
    await this.d.state.setLatestGer({ ...g, seenAt: Date.now() });
    this.d.metrics.gerUpdates.inc();
    this.d.logger.info(g, 'latest global exit root recorded');
  }

  private async halt(m: Mismatch, block: BlockHeader, txHash?: Hex): Promise<void> {
    const halt: Halt = {
      source: SOURCE, reason: `${m.code}: batch ${m.batchNumber} ${m.field} differs between L1 and the trusted state`, batchNumber: m.batchNumber,
      l1BlockNumber: block.number, at: Date.now(), details: { ...m, l1BlockHash: block.hash, l1TxHash: txHash ?? null },
    };
    const first = await this.d.state.setHalt(halt);
    this.d.metrics.mismatches.inc({ code: m.code });
    this.d.metrics.halted.set(1);
    this.d.logger.fatal({ critical: true, ...halt, alreadyHalted: !first }, 'sequencing halted: L1 disagrees with the trusted state (trusted reorg needed)');
  }

  /** The block at our cursor is no longer on the chain: find the common ancestor and roll back to it. */
  private async reorg(cursor: L1BlockRef, now: BlockHeader | null): Promise<void> {
    const { store, l1, metrics, logger, deploymentBlock } = this.d;
    metrics.reorgs.inc();
    let ancestor: L1BlockRef | null = null;
    for (const b of await store.blocksNewestFirst()) {
      const onChain = await l1.block(b.number);
      if (onChain?.hash === b.hash) {
        ancestor = b;
        break;
      }
    }
    if (!ancestor) throw new FatalSyncError(`L1 reorg below the rollup's deployment block ${deploymentBlock.number}`);
    const kept = await this.rollbackAbove(ancestor.number, 'L1 reorg');
    // A GER update the reorg removed must not go into new batches (L1 would refuse them).
    const ger = await l1.lastGerAt(ancestor.hash);
    const current = await this.d.state.getLatestGer();
    if (ger && current?.globalExitRoot !== ger.globalExitRoot) await this.latestGer(ger);
    await store.rewind(ancestor);
    metrics.l1Block.set(ancestor.number);
    logger.warn({ replacedBlock: cursor, nowAtThatHeight: now?.hash ?? null, commonAncestor: ancestor, lastVirtualBatch: kept }, 'L1 reorg: continuing from the common ancestor');
  }

  /** Virtual batches made so by L1 blocks above `l1Block` go back to closed; returns the last virtual batch kept. */
  private async rollbackAbove(l1Block: number, why: string): Promise<number> {
    const { state, metrics, logger } = this.d;
    const heads = await state.getHeads();
    if (!heads) return 0;
    let kept = heads.lastVirtualBatch;
    const page = 256;
    outer: while (kept > 0) {
      const batches = await state.getBatches(Math.max(0, kept - page + 1), kept);
      for (let i = batches.length - 1; i >= 0; i--) {
        const b = batches[i];
        if (b.virtualL1Block === null || b.virtualL1Block <= l1Block) break outer;
        kept = b.number - 1;
      }
      if (batches.length === 0) break;
    }
    if (kept < heads.lastVirtualBatch) {
      await state.rollbackVirtual(kept);
      metrics.rolledBack.inc(heads.lastVirtualBatch - kept);
      metrics.lastVirtualBatch.set(kept);
      logger.warn({ why, l1Block, from: kept + 1, to: heads.lastVirtualBatch }, 'virtual batches rolled back to closed; they are sequenced again');
    }
    return kept;
  }
}
