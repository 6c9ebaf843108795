import Redis from 'ioredis';
import { rollupInterface } from '@zkseq/contracts';
import { StateDb } from '@zkseq/statedb';
import { jsonRpc } from './net';

export type ProgressSample = {
  at: number;
  /** Last L2 block (one transaction each at fork 6). */
  lastBlock: number;
  lastBatch: number;
  closed: number;
  /** Last batch the rollup holds on L1. */
  sequenced: number;
  virtual: number;
  /** Included transactions per second since the previous sample. */
  txPerSec: number;
};

export type ProgressSource = { redisUrl: string; statePrefix: string; l1RpcUrl: string; rollup: string };

/** Samples batch progress from the StateDB (closed, virtual, blocks) and the rollup on L1 (sequenced). */
export class ProgressWatcher {
  private readonly redis: Redis;
  private readonly state: StateDb;
  private readonly call: string;
  private prev: { at: number; lastBlock: number } | null = null;

  constructor(private readonly src: ProgressSource) {
    this.redis = new Redis(src.redisUrl, { maxRetriesPerRequest: 1 });
    this.state = new StateDb(this.redis, { prefix: src.statePrefix });
    this.call = rollupInterface().encodeFunctionData('lastBatchSequenced');
  }

  async sample(): Promise<ProgressSample> {
    const [heads, sequenced] = await Promise.all([
      this.state.getHeads(),
      jsonRpc<string>(this.src.l1RpcUrl, 'eth_call', [{ to: this.src.rollup, data: this.call }, 'latest']).then((r) => Number(BigInt(r))),
    ]);
    const at = Date.now();
    const lastBlock = heads?.lastBlock ?? 0;
    const txPerSec = this.prev && at > this.prev.at ? ((lastBlock - this.prev.lastBlock) * 1000) / (at - this.prev.at) : 0;
    this.prev = { at, lastBlock };
    return { at, lastBlock, lastBatch: heads?.lastBatch ?? 0, closed: heads?.lastClosedBatch ?? 0, sequenced, virtual: heads?.lastVirtualBatch ?? 0, txPerSec };
  }

  close(): void {
    this.redis.disconnect();
  }
}

export function formatProgress(p: ProgressSample): string {
  const time = new Date(p.at).toISOString().slice(11, 19);
  return `[${time}] batches closed ${p.closed} / sequenced ${p.sequenced} / virtual ${p.virtual} · open batch ${p.lastBatch > p.closed ? p.lastBatch : '-'} · L2 blocks ${p.lastBlock} · ${p.txPerSec.toFixed(1)} tx/s`;
}
