// Pool outcomes and forced batches with real processes: replacements, nonce gaps, nonces and
// balances that became impossible, and forced batches (recorded in the StateDB, and received over
// NATS while a batch is open, which closes at the forced-batch deadline).
import { concatBytes, fromHex, toHex } from '@zkseq/batch';
import { publishDurable, type ForcedBatchSeen } from '@zkseq/messaging';
import type { Hex } from '@zkseq/pooldb';
import type { ServiceProcess } from './rpc-harness';
import { account, GWEI, poolTx, SequencerStack, waitFor, ZERO_HASH } from './sequencer-harness';

jest.setTimeout(240_000);

const FUNDS = 10n ** 24n;
const TRANSFER_COST = 21_000n * GWEI;
const [q, r, p, g, h, f] = ['q', 'r', 'p', 'g', 'h', 'f'].map((n) => account(`pool-outcomes-${n}`));

describe('sequencer pool outcomes and forced batches', () => {
  const stack = new SequencerStack();
  let seq: ServiceProcess;
  const status = async (hash: string) => (await stack.poolStatus(hash))!;
  const blockOf = async (hash: string) => (await stack.waitTxIncluded(hash)).blockNumber;
  const forcedBatch = (n: number) =>
    waitFor(async () => {
      const heads = (await stack.state.getHeads())!;
      if (heads.lastForcedBatch < n) return null;
      const all = await stack.state.getBatches(1, heads.lastClosedBatch);
      return all.find((b) => b.forcedBatchNum === n) ?? null;
    });

  beforeAll(async () => {
    await stack.start({
      genesis: [
        ...[q, r, g, h, f].map((a) => ({ address: a.address, balance: FUNDS })),
        // Enough for exactly one transfer of 5 wei at 1 gwei, not two.
        { address: p.address, balance: 2n * TRANSFER_COST + 4n },
      ],
    });
  });
  afterAll(() => stack.stop());

  it('fails replaced txs, impossible nonces and balances; keeps gaps pending until filled', async () => {
    // Seeded before any sequencer runs: a forced batch spends q's nonce 0 with another tx.
    const forcedTx = poolTx(q, { nonce: 0n, value: 2n });
    await stack.state.putForcedBatch({ forceBatchNum: 1, globalExitRoot: ZERO_HASH, timestamp: 1_700_000_500, transactions: forcedTx.l2Data, l1BlockNumber: 10, seenAt: Date.now() });
    const q0 = await stack.add(poolTx(q, { nonce: 0n, value: 1n }));
    const r1 = await stack.add(poolTx(r, { nonce: 0n, gasPrice: GWEI }));
    const r2 = await stack.add(poolTx(r, { nonce: 0n, gasPrice: 2n * GWEI }));
    const p0 = await stack.add(poolTx(p, { nonce: 0n, value: 5n }));
    const p1 = await stack.add(poolTx(p, { nonce: 1n, value: 5n }));
    const g1 = await stack.add(poolTx(g, { nonce: 1n }));

    seq = await stack.startSequencer({ SEQUENCER_BATCH_TIMEOUT_MS: '300', SEQUENCER_FORCED_BATCH_DEADLINE_MS: '500' });
    await stack.leading(seq);
    const forced = await forcedBatch(1);
    expect(forced).toMatchObject({ number: 1, closingReason: 'forced-batch', batchL2Data: forcedTx.l2Data, resources: { txCount: 1 } });
    expect((await stack.state.getTx(forcedTx.hash))?.batchNumber).toBe(1);

    expect(await status(r1.hash)).toMatchObject({ status: 'failed', reason: `replaced by ${r2.hash}` });
    await blockOf(r2.hash);
    await blockOf(p0.hash);
    await waitFor(async () => (await status(q0.hash)).status === 'failed');
    expect(await status(q0.hash)).toMatchObject({ status: 'failed', reason: 'nonce too low' });
    await waitFor(async () => (await status(p1.hash)).status === 'failed');
    expect((await status(p1.hash)).reason).toMatch(/insufficient funds/);

    // The gap: g's nonce 1 waits while batches close around it, then follows nonce 0.
    const other = await stack.add(poolTx(h, { nonce: 0n }));
    const otherBatch = (await stack.waitTxIncluded(other.hash)).batchNumber;
    await stack.closedBatch(otherBatch, 'timeout');
    expect(await status(g1.hash)).toMatchObject({ status: 'pending' });
    expect(await stack.state.getTx(g1.hash)).toBeNull();
    const g0 = await stack.add(poolTx(g, { nonce: 0n }));
    expect(await blockOf(g0.hash)).toBeLessThan(await blockOf(g1.hash));
    // The persister writes the block first and marks the pool transaction selected after it.
    await waitFor(async () => (await status(g1.hash)).status === 'selected');
    expect(await status(g1.hash)).toMatchObject({ status: 'selected' });
  });

  it('closes the open batch at the forced-batch deadline and sequences the forced batch with its exact data', async () => {
    await seq.stop();
    seq = await stack.startSequencer({ SEQUENCER_BATCH_TIMEOUT_MS: '60000', SEQUENCER_FORCED_BATCH_DEADLINE_MS: '500' });
    await stack.leading(seq);
    const open = await stack.add(poolTx(h, { nonce: 1n }));
    const openBatch = (await stack.waitTxIncluded(open.hash)).batchNumber;

    // A valid tx and one with a wrong nonce (intrinsic error: no block, but its bytes stay in the batch).
    const good = poolTx(f, { nonce: 0n, value: 3n });
    const bad = poolTx(f, { nonce: 7n });
    const transactions = toHex(concatBytes(fromHex(good.l2Data), fromHex(bad.l2Data))) as Hex;
    const msg: ForcedBatchSeen = { forceBatchNum: 2, globalExitRoot: ZERO_HASH, timestamp: Math.floor(Date.now() / 1000), transactions, sequencer: f.address, l1BlockNumber: 20 };
    await publishDurable(stack.nc.jetstream(), stack.subjects.forcedBatch, msg, 'forced-batch-2-test');

    const closed = await stack.closedBatch(openBatch, 'forced-batch-deadline');
    expect(closed.number).toBe(openBatch);
    const forced = await forcedBatch(2);
    expect(forced).toMatchObject({ number: openBatch + 1, closingReason: 'forced-batch', batchL2Data: transactions, resources: { txCount: 1 } });
    expect(await stack.state.getBatchTxHashes(forced.number)).toEqual([good.hash]);
    expect(await stack.state.getTx(bad.hash)).toBeNull();
    await stack.verifyChain();
  });

  it('opens batches with the latest L1 global exit root and closes one when a newer GER has waited its deadline', async () => {
    await seq.stop();
    const ger = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex;
    await stack.state.setLatestGer({ globalExitRoot: ger(0xaa), timestamp: 1_700_000_600, seenAt: Date.now() });
    seq = await stack.startSequencer({ SEQUENCER_BATCH_TIMEOUT_MS: '60000', SEQUENCER_GER_DEADLINE_MS: '300' });
    await stack.leading(seq);
    const first = await stack.add(poolTx(h, { nonce: 2n }));
    const withFirst = (await stack.waitTxIncluded(first.hash)).batchNumber;
    expect((await stack.batch(withFirst))?.globalExitRoot).toBe(ger(0xaa));
    await stack.state.setLatestGer({ globalExitRoot: ger(0xbb), timestamp: 1_700_000_700, seenAt: Date.now() });
    expect((await stack.closedBatch(withFirst, 'ger-deadline')).number).toBe(withFirst);
    const second = await stack.add(poolTx(h, { nonce: 3n }));
    const withSecond = (await stack.waitTxIncluded(second.hash)).batchNumber;
    expect((await stack.batch(withSecond))?.globalExitRoot).toBe(ger(0xbb));
    await stack.verifyChain();
  });
});
