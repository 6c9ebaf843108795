import type { LoadRpc } from './rpc';

export type Stage = 'included' | 'closed' | 'virtual';

type RpcBatch = { number: string; closed: boolean; transactions: string[] };

/**
 * Follows batches through the zkEVM JSON-RPC (`zkevm_batchNumber`, `zkevm_getBatchByNumber`,
 * `zkevm_virtualBatchNumber`) and reports, for each transaction hash it lists, when it first
 * appeared in a batch (its L2 block and receipt are written in the same StateDB step), when its
 * batch was seen closed and when it was seen virtual. One poll reads the batches not yet seen
 * closed, so a transaction costs about two listed hashes whatever the load.
 */
export class InclusionTracker {
  private nextBatch: number;
  private readonly seen = new Set<string>();
  /** Closed batches not yet virtual, with their hashes. */
  private readonly closedBatches = new Map<number, string[]>();
  private active = false;
  private running: Promise<void> | null = null;
  lastBatch = 0;
  lastVirtual = 0;
  polls = 0;
  errors = 0;

  constructor(
    private readonly rpc: LoadRpc,
    private readonly onStage: (hash: string, stage: Stage, at: number, batch: number) => void,
    private readonly pollMs: number,
    fromBatch: number,
  ) {
    this.nextBatch = fromBatch;
  }

  /** The batch number a tracker started now should begin at (the open or next batch). */
  static async startingBatch(rpc: LoadRpc): Promise<number> {
    const latest = Number(await rpc.send('zkevm_batchNumber', []));
    const b = (await rpc.send('zkevm_getBatchByNumber', [`0x${latest.toString(16)}`, false])) as RpcBatch | null;
    return b && b.closed ? latest + 1 : Math.max(latest, 1);
  }

  start(): void {
    if (this.running) return;
    this.active = true;
    this.running = (async () => {
      while (this.active) {
        const t0 = Date.now();
        await this.poll().catch(() => this.errors++);
        await new Promise((r) => setTimeout(r, Math.max(0, this.pollMs - (Date.now() - t0))));
      }
    })();
  }

  async stop(): Promise<void> {
    this.active = false;
    await this.running;
    this.running = null;
  }

  /** One pass (also usable without start()). */
  async poll(): Promise<void> {
    this.polls++;
    const [latestHex, virtualHex] = await Promise.all([this.rpc.send('zkevm_batchNumber', []), this.rpc.send('zkevm_virtualBatchNumber', [])]);
    const latest = Number(latestHex);
    const virtual = Number(virtualHex);
    const now = Date.now();
    const numbers: number[] = [];
    for (let n = this.nextBatch; n <= latest; n++) numbers.push(n);
    const batches = await Promise.all(numbers.map((n) => this.rpc.send('zkevm_getBatchByNumber', [`0x${n.toString(16)}`, false]) as Promise<RpcBatch | null>));
    let contiguous = true;
    for (let i = 0; i < numbers.length; i++) {
      const b = batches[i];
      const n = numbers[i];
      if (!b) {
        contiguous = false;
        continue;
      }
      for (const h of b.transactions) {
        const hash = h.toLowerCase();
        if (this.seen.has(hash)) continue;
        this.seen.add(hash);
        this.onStage(hash, 'included', now, n);
      }
      if (b.closed && contiguous) {
        const hashes = b.transactions.map((h) => h.toLowerCase());
        for (const h of hashes) {
          this.onStage(h, 'closed', now, n);
          this.seen.delete(h);
        }
        this.closedBatches.set(n, hashes);
        this.nextBatch = n + 1;
      } else contiguous = false;
    }
    for (const [n, hashes] of this.closedBatches) {
      if (n > virtual) continue;
      for (const h of hashes) this.onStage(h, 'virtual', now, n);
      this.closedBatches.delete(n);
    }
    this.lastBatch = latest;
    this.lastVirtual = virtual;
  }
}
