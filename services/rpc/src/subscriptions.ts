import { randomBytes } from 'node:crypto';
import type { L2BlockAnnounced } from '@zkseq/messaging';
import type { Logger } from '@zkseq/service';
import type { StateDb, StoredLog, StoredTx } from '@zkseq/statedb';
import * as fmt from './format';
import type { SubscriptionHost } from './jsonrpc';
import type { RpcMetrics } from './metrics';
import { invalidParams, logFilter, type LogFilterParams } from './params';

/** The sending side of a WebSocket connection. */
export type Notifiable = { send(text: string): void; readonly bufferedAmount: number };

type Sub = { id: string; kind: 'newHeads' | 'logs'; filter: LogFilterParams; conn: Notifiable };

export type HubOptions = {
  /** Notifications to a connection whose send buffer holds more than this are dropped (and counted). */
  maxBufferedBytes: number;
  /** Gap filling after missed announcements reads at most this many blocks at once. */
  maxCatchUp: number;
};

function logMatches(l: StoredLog, f: LogFilterParams): boolean {
  if (f.addresses && !f.addresses.includes(l.address.toLowerCase() as `0x${string}`)) return false;
  return (f.topics ?? []).every((alts, i) => alts === null || alts.length === 0 || alts.some((t) => t === l.topics[i]?.toLowerCase()));
}

/**
 * eth_subscribe over WebSocket. One core-NATS `l2.block` subscription feeds all connections;
 * blocks are read back from the StateDB in order, and a gap (a lost announcement) is filled from
 * the StateDB, so subscribers see every block once, in order.
 */
export class SubscriptionHub {
  private readonly subs = new Map<string, Sub>();
  private lastBlock = -1;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: StateDb,
    private readonly metrics: RpcMetrics,
    private readonly logger: Logger,
    private readonly opts: HubOptions,
  ) {}

  async start(): Promise<void> {
    this.lastBlock = (await this.state.getHeads())?.lastBlock ?? -1;
  }

  /** The subscription side of one connection; call the returned `close` when it goes away. */
  attach(conn: Notifiable): SubscriptionHost & { close(): void } {
    const mine = new Set<string>();
    return {
      subscribe: (kind, params) => {
        let filter: LogFilterParams = {};
        if (kind === 'logs') filter = params === undefined ? {} : logFilter(params, 'filter');
        else if (kind !== 'newHeads') throw invalidParams(`unsupported subscription kind ${JSON.stringify(kind)}: newHeads and logs are supported`);
        const id = `0x${randomBytes(16).toString('hex')}`;
        this.subs.set(id, { id, kind, filter, conn });
        mine.add(id);
        this.metrics.subscriptions.set(this.subs.size);
        return id;
      },
      unsubscribe: (id) => {
        if (!mine.delete(id)) return false;
        this.subs.delete(id);
        this.metrics.subscriptions.set(this.subs.size);
        return true;
      },
      close: () => {
        for (const id of mine) this.subs.delete(id);
        mine.clear();
        this.metrics.subscriptions.set(this.subs.size);
      },
    };
  }

  /** Called for each `l2.block` announcement; processing is serialized. */
  onAnnounced(msg: L2BlockAnnounced): void {
    this.chain = this.chain.then(() => this.deliverUpTo(msg.number)).catch((err) => this.logger.warn({ err }, 'subscription delivery failed'));
  }

  private async deliverUpTo(n: number): Promise<void> {
    if (n <= this.lastBlock) return;
    if (this.subs.size === 0) {
      // Nobody to notify: no reads (a subscription starts with the blocks announced after it).
      this.lastBlock = n;
      return;
    }
    const from = Math.max(this.lastBlock + 1, n - this.opts.maxCatchUp + 1);
    for (let number = from; number <= n; number++) {
      const block = await this.state.getBlock(number);
      if (!block) return;
      this.lastBlock = number;
      const wantsLogs = [...this.subs.values()].some((s) => s.kind === 'logs');
      const txs = wantsLogs ? (await this.state.getTxs(block.transactions)).filter((t): t is StoredTx => t !== null) : [];
      const header = fmt.blockHeader(block);
      for (const sub of this.subs.values()) {
        if (sub.kind === 'newHeads') this.notify(sub, header);
        else {
          for (const tx of txs) {
            for (const l of tx.receipt.logs) {
              if (!logMatches(l, sub.filter)) continue;
              this.notify(sub, fmt.log({ ...l, blockNumber: tx.blockNumber, blockHash: tx.blockHash, transactionHash: tx.hash, transactionIndex: 0, batchNumber: tx.batchNumber }));
            }
          }
        }
      }
    }
  }

  private notify(sub: Sub, result: unknown): void {
    if (sub.conn.bufferedAmount > this.opts.maxBufferedBytes) {
      this.metrics.notificationsDropped.inc();
      return;
    }
    sub.conn.send(JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription: sub.id, result } }));
    this.metrics.notifications.inc({ kind: sub.kind });
  }
}
