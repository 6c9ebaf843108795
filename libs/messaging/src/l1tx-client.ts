import { DeliverPolicy, type JetStreamClient, type NatsConnection } from 'nats';
import type { L1TxRequest, L1TxResult } from './messages';
import { decode, publishDurable } from './nats';
import { streams, subjects, type Namespace } from './subjects';

/**
 * What a service needs to get an L1 transaction mined through eth-tx-manager: `submit` a
 * request (idempotent per id) and `waitForResult` for its outcome. The L1TX stream must exist
 * (`ensureStreams`, done by eth-tx-manager and by every producer at start-up).
 */
export class L1TxClient {
  private readonly js: JetStreamClient;

  constructor(
    private readonly nc: NatsConnection,
    private readonly ns: Namespace,
    readonly owner: string,
  ) {
    this.js = nc.jetstream();
  }

  /** Publishes the request; `duplicate` is true when JetStream already had this id in its window. */
  async submit(req: Omit<L1TxRequest, 'owner'>): Promise<{ duplicate: boolean }> {
    const { duplicate } = await publishDurable(this.js, subjects(this.ns).l1TxRequest, { ...req, owner: this.owner }, `${this.owner}:${req.id}`);
    return { duplicate };
  }

  /**
   * Resolves with the first result for `id` on this owner's result subject (that `accept` takes,
   * e.g. a newer block after a reorg), reading the stream from `since` (default: its start), so a
   * result published before the call is found too.
   */
  async waitForResult(
    id: string,
    opts: { signal?: AbortSignal; timeoutMs?: number; since?: Date; accept?: (r: L1TxResult) => boolean } = {},
  ): Promise<L1TxResult> {
    const consumer = await this.js.consumers.get(streams(this.ns).l1tx, {
      // One subject as a string: NATS servers before 2.10 take no list here.
      filterSubjects: subjects(this.ns).l1TxResult(this.owner),
      ...(opts.since ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: opts.since.toISOString() } : {}),
    });
    const messages = await consumer.consume();
    const stop = () => void messages.stop();
    const timer = opts.timeoutMs === undefined ? undefined : setTimeout(stop, opts.timeoutMs);
    opts.signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const m of messages) {
        const result = decode<L1TxResult>(m.data);
        if (result.id === id && (!opts.accept || opts.accept(result))) return result;
      }
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', stop);
      messages.stop();
    }
    throw new Error(`no result for L1 transaction request ${this.owner}:${id} (${opts.signal?.aborted ? 'aborted' : 'timed out'})`);
  }
}
