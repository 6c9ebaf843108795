import type { L2BlockAnnounced } from '@zkseq/messaging';
import { createLogger, createRegistry } from '@zkseq/service';
import type { StateDb, StoredBlock } from '@zkseq/statedb';
import { createRpcMetrics } from './metrics';
import { SubscriptionHub } from './subscriptions';

// The block store the hub reads from, counting its reads (the hub only calls these two).
const reads: number[] = [];
const state = {
  getHeads: async () => ({ lastBlock: 0 }),
  getBlock: async (n: number) => {
    reads.push(n);
    return { number: n, hash: `0x${n.toString(16).padStart(64, '0')}`, parentHash: `0x${'00'.repeat(32)}`, transactions: [], timestamp: 1000 + n, size: 500 } as unknown as StoredBlock;
  },
  getTxs: async () => [],
} as unknown as StateDb;

const announce = (number: number): L2BlockAnnounced => ({ number, hash: '0x', parentHash: '0x', stateRoot: '0x', timestamp: 0, batchNumber: 1, txHash: '0x' });
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('SubscriptionHub', () => {
  it('reads no block while nobody is subscribed, then notifies only blocks announced after a subscription', async () => {
    const hub = new SubscriptionHub(state, createRpcMetrics(createRegistry('test')), createLogger('test', 'silent'), { maxBufferedBytes: 1 << 20, maxCatchUp: 100 });
    await hub.start();
    for (let n = 1; n <= 5; n++) hub.onAnnounced(announce(n));
    await settle();
    expect(reads).toEqual([]);

    const sent: { params: { result: { number: string } } }[] = [];
    const host = hub.attach({ send: (text) => sent.push(JSON.parse(text)), bufferedAmount: 0 });
    host.subscribe('newHeads', undefined);
    // Block 7's announcement is seen first: 6 is filled in from the store, in order.
    hub.onAnnounced(announce(7));
    await settle();
    expect(reads).toEqual([6, 7]);
    expect(sent.map((m) => m.params.result.number)).toEqual(['0x6', '0x7']);

    host.close();
    hub.onAnnounced(announce(8));
    await settle();
    expect(reads).toEqual([6, 7]);
  });
});
