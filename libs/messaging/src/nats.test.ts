import { randomBytes } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { connectNats, consumeDurable, deleteStreams, ensureStreams, publishDurable } from './nats';
import { subjects, streams } from './subjects';
import type { BatchClosed } from './messages';

const ns = `t${randomBytes(4).toString('hex')}`;
let nc: NatsConnection;

beforeAll(async () => {
  nc = await connectNats({ url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'messaging-test' });
  await ensureStreams(nc, ns, { storage: 'memory' });
});

afterAll(async () => {
  await deleteStreams(nc, ns);
  await nc.close();
});

const closed = (n: number): BatchClosed => ({
  batchNumber: n, stateRoot: '0x01', accInputHash: '0x02', localExitRoot: '0x03', globalExitRoot: '0x04',
  timestamp: 1, coinbase: '0x05', txCount: 1, closingReason: 'timeout',
});

describe('JetStream helpers', () => {
  it('namespaces subjects and streams', () => {
    expect(subjects('').batchClosed).toBe('batch.closed');
    expect(subjects('x1').l1TxResult('seqsender')).toBe('x1.l1tx.result.seqsender');
    expect(streams('x1').batches).toBe('X1_BATCHES');
  });

  it('drops a repeated msgId and redelivers a message whose handler failed', async () => {
    const js = nc.jetstream();
    const s = subjects(ns);
    expect((await publishDurable(js, s.batchClosed, closed(1), 'batch-1')).duplicate).toBe(false);
    expect((await publishDurable(js, s.batchClosed, closed(1), 'batch-1')).duplicate).toBe(true);
    await publishDurable(js, s.batchClosed, closed(2), 'batch-2');

    const seen: number[] = [];
    let failedOnce = false;
    const ac = new AbortController();
    const done = consumeDurable<BatchClosed>(js, nc, {
      stream: streams(ns).batches, durable: 'test', filterSubject: s.batchClosed, maxAckPending: 10, retryDelayMs: 10,
      signal: ac.signal,
      onError: () => undefined,
      handler: async (m) => {
        if (m.batchNumber === 2 && !failedOnce) {
          failedOnce = true;
          throw new Error('transient');
        }
        seen.push(m.batchNumber);
        if (seen.length === 2) ac.abort();
      },
    });
    await done;
    expect(seen).toEqual([1, 2]);
    expect(failedOnce).toBe(true);
  });
});
