import type { ExecutorClient } from '@zkseq/grpc';
import type { BatchClosed, ForcedBatchSeen, L2BlockAnnounced } from '@zkseq/messaging';
import type { PoolDb } from '@zkseq/pooldb';
import { sleep, type Logger } from '@zkseq/service';
import type { HashDbApi } from '@zkseq/smt';
import { StateDbError, type Hex, type StateDb } from '@zkseq/statedb';
import type { SequencerOptions } from './config';
import { ensureGenesis } from './genesis';
import { runAsLeader, type Lease } from './lease';
import type { SequencerMetrics, TimeSplit } from './metrics';
import { HashDbRestartedError } from './persister';
import type { Measured } from './selection';
import { InconsistentStateError, ResyncNeeded, Session } from './session';
import type { Wakeup } from './wakeup';

export type SequencerDeps = {
  /** The StateDB without a fence; each leadership writes through `withFence(lease key, its token)`. */
  state: StateDb;
  pool: PoolDb;
  executor: ExecutorClient;
  hashdb: HashDbApi;
  lease: Lease;
  publishBlock: (msg: L2BlockAnnounced) => void;
  publishClosed: (msg: BatchClosed) => Promise<void>;
  metrics: SequencerMetrics;
  logger: Logger;
  options: SequencerOptions;
  genesisFile: string | undefined;
  split: TimeSplit;
  wakeup: Wakeup;
  /** A condition no restart can fix (StateDB and hashdb disagree): stop the process. */
  fatal: (err: unknown) => void;
};

/**
 * One sequencer instance: a standby until it holds the lease, then sessions of sequencing until
 * it loses the lease or shuts down. A session that fails is followed by a new one rebuilt from the
 * StateDB; a fenced write (another instance leads now) ends the leadership.
 */
export class Sequencer {
  private readonly measured = new Map<string, Measured>();

  constructor(private readonly d: SequencerDeps) {}

  async run(signal: AbortSignal): Promise<void> {
    const { logger, metrics } = this.d;
    metrics.leader.set(0);
    await runAsLeader(
      this.d.lease,
      signal,
      {
        onStandby: (holder) => logger.info({ holder, lease: this.d.lease.key }, 'standby: another instance holds the lease'),
        onAcquired: () => {
          metrics.takeovers.inc();
          logger.info({ lease: this.d.lease.key }, 'lease acquired: sequencing');
        },
        onLost: (why) => logger.warn({ why }, 'lease lost: stopping sequencing'),
        onError: (err) => logger.error({ err }, 'sequencer error'),
      },
      (token, leading) => this.lead(token, leading),
    );
    metrics.leader.set(0);
  }

  private async lead(token: string, leading: AbortSignal): Promise<void> {
    const d = this.d;
    await ensureGenesis({ state: d.state, hashdb: d.hashdb, file: d.genesisFile, chainId: d.options.chainId, coinbase: d.options.coinbase as Hex, logger: d.logger });
    const state = d.state.withFence(d.lease.key, token);
    d.metrics.leader.set(1);
    try {
      while (!leading.aborted) {
        const halt = await d.state.getHalt();
        if (halt) {
          d.logger.error({ halt }, 'sequencing halted by the StateDB halt flag; waiting for an operator to clear it');
          await sleep(1_000, leading).catch(() => undefined);
          continue;
        }
        const session = new Session({
          state, pool: d.pool, executor: d.executor, publishBlock: d.publishBlock, publishClosed: d.publishClosed, metrics: d.metrics, logger: d.logger,
          options: d.options, split: d.split, wakeup: d.wakeup, measured: this.measured,
        });
        try {
          await session.run(leading);
        } catch (err) {
          if (err instanceof StateDbError && err.kind === 'FENCED') throw err;
          if (err instanceof InconsistentStateError) {
            d.fatal(err);
            throw err;
          }
          if (leading.aborted) return;
          const cause = err instanceof HashDbRestartedError || err instanceof ResyncNeeded ? 'hashdb' : err instanceof StateDbError ? err.kind.toLowerCase() : 'error';
          d.metrics.resyncs.inc({ cause });
          d.logger.warn({ err, cause }, 'sequencing interrupted; rebuilding the open batch from the StateDB');
          await sleep(cause === 'halted' ? 0 : 500, leading).catch(() => undefined);
        }
      }
    } finally {
      d.metrics.leader.set(0);
    }
  }
}

/** A forced batch seen on L1, as the StateDB records it for the leader (any instance may record it). */
export async function recordForcedBatch(state: StateDb, msg: ForcedBatchSeen, now = Date.now()): Promise<boolean> {
  return state.putForcedBatch({
    forceBatchNum: msg.forceBatchNum, globalExitRoot: msg.globalExitRoot, timestamp: msg.timestamp, transactions: msg.transactions,
    l1BlockNumber: msg.l1BlockNumber, seenAt: now,
  });
}
