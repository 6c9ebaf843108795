// Sequence-sender + eth-tx-manager + synchronizer as real processes against a hardhat L1 with the
// real rollup: closed batches written through the StateDB are sequenced exactly once, within the
// L1 transaction limits, and become virtual with our accInputHash; forced batches reach the sequencer.
import { contractAt, encodeForceBatch, fundFees } from '@zkseq/contracts';
import { waitFor } from './harness/processes';
import { decode, streams, type BatchVirtualized, type ForcedBatchSeen } from '@zkseq/messaging';
import { SequencingWorld } from './harness/sequencing';

jest.setTimeout(240_000);

/** Reads every message of a subject from the start of its stream (ordered, ephemeral consumer). */
async function readSubject<T>(w: SequencingWorld, stream: string, subject: string, until: (all: T[]) => boolean): Promise<T[]> {
  const js = w.nc.jetstream();
  // An ordered consumer reads the stream from its start by default.
  const consumer = await js.consumers.get(stream, { filterSubjects: subject });
  const out: T[] = [];
  const messages = await consumer.consume();
  const timer = setTimeout(() => void messages.stop(), 60_000);
  for await (const m of messages) {
    out.push(decode<T>(m.data));
    if (until(out)) break;
  }
  clearTimeout(timer);
  await messages.stop();
  return out;
}

describe('sequencing closed batches to L1', () => {
  let w: SequencingWorld;

  beforeAll(async () => {
    w = await new SequencingWorld({ blockTimeMs: 1000, sender: { SEQSENDER_MAX_BATCHES: '4' } }).start();
  });

  afterAll(async () => {
    await w?.stop();
  });

  it('sends every batch once, within the batch-count and byte limits, and marks them virtual with our accInputHash', async () => {
    const small = await w.closeBatches([100, 0, 300, 100, 200, 100]);
    const large = await w.closeBatches([50_000, 50_000, 50_000]);
    const last = large[large.length - 1];
    await w.waitVirtual(last);

    const seqs = await w.l1Sequences();
    // Contiguous, each batch exactly once, in order.
    expect(seqs.flatMap((s) => Array.from({ length: s.to - s.from + 1 }, (_, i) => s.from + i))).toEqual([...small, ...large]);
    for (const s of seqs) {
      expect(s.to - s.from + 1).toBeLessThanOrEqual(4);
      expect(s.calldataBytes).toBeLessThanOrEqual(131_072);
    }
    // Two 50 kB batches fit one L1 transaction, three do not.
    expect(seqs.some((s) => s.from <= large[0] && s.to >= large[2])).toBe(false);
    expect(seqs.length).toBeGreaterThanOrEqual(3);

    for (const s of seqs) {
      for (let n = s.from; n <= s.to; n++) {
        const b = (await w.state.getBatch(n))!;
        expect(b).toMatchObject({ status: 'virtual', sendSequencesTxHash: s.txHash, virtualL1Block: s.blockNumber });
        expect(s.transactions[n - s.from]).toBe(b.batchL2Data);
      }
    }
    const [lastOnL1] = await w.rollupRead('lastBatchSequenced');
    expect(Number(lastOnL1)).toBe(last);
    const [accInputHash] = await w.rollupRead('sequencedBatches', last);
    expect(accInputHash).toBe((await w.state.getBatch(last))!.accInputHash);

    const virtualized = await readSubject<BatchVirtualized>(w, streams(w.ns).batches, w.subjects.batchVirtualized, (all) => all.length >= last);
    expect(virtualized.map((v) => v.batchNumber).sort((a, b) => a - b)).toEqual([...small, ...large]);
    await w.sync!.waitForLog((l) => l.msg === 'batches virtual' && l.to === last, 'the last sequence logged virtual');
    expect(await w.sender!.metric('seqsender_sequences_total', 'event="confirmed"')).toBe(seqs.length);
    expect(await w.sync!.metric('sync_virtualized_batches_total')).toBe(last);
    expect(await w.sync!.metric('sync_virtualization_latency_seconds_count')).toBe(last);
    expect(await w.sync!.metric('sync_halted')).toBe(0);
  });

  it('hands an L1 forced batch to the sequencer and sequences it with its forced timestamp', async () => {
    const user = w.wallet(w.user);
    await fundFees({ tokenOwner: w.wallet(w.admin), holder: user, feeToken: w.system.feeToken, rollup: w.system.rollup, amount: 10n ** 21n });
    const forcedTxs = `0x${'ee'.repeat(150)}` as const;
    const rollup = contractAt('ZkEvmRollup', w.system.rollup, user);
    const fee = (await rollup.getFunction('getForcedBatchFee')()) as bigint;
    const sent = await user.sendTransaction({ to: w.system.rollup, data: encodeForceBatch(forcedTxs, fee) });
    const receipt = (await sent.wait())!;
    const forcedAt = (await w.provider.getBlock(receipt.blockNumber))!.timestamp;

    const [seen] = await readSubject<ForcedBatchSeen>(w, streams(w.ns).l1events, w.subjects.forcedBatch, (all) => all.length >= 1);
    expect(seen).toMatchObject({ forceBatchNum: 1, transactions: forcedTxs, timestamp: forcedAt, l1BlockNumber: receipt.blockNumber, sequencer: user.address });

    // What the sequencer does with it: a batch carrying exactly the forced data and GER.
    const [n] = await w.closeBatches([0], { forcedBatchNum: 1, data: forcedTxs, globalExitRoot: seen.globalExitRoot });
    await w.waitVirtual(n);
    const [lastForced] = await w.rollupRead('lastForceBatchSequenced');
    expect(Number(lastForced)).toBe(1);
    const [accInputHash] = await w.rollupRead('sequencedBatches', n);
    expect(accInputHash).toBe((await w.state.getBatch(n))!.accInputHash);
  });

  it('records L1 global exit roots for the sequencer and holds a batch until its GER is on L1', async () => {
    const ger = contractAt('GlobalExitRootManager', w.system.globalExitRootManager, w.wallet(w.admin));
    const first = `0x${'a1'.repeat(32)}` as const;
    const receipt = (await (await ger.getFunction('updateGlobalExitRoot')(first)).wait())!;
    const at = (await w.provider.getBlock(receipt.blockNumber))!.timestamp;
    const latest = await waitFor(async () => {
      const g = await w.state.getLatestGer();
      return g?.globalExitRoot === first ? g : undefined;
    }, 'the synchronizer to record the GER');
    expect(latest.timestamp).toBe(at);

    const [withKnown] = await w.closeBatches([64], { globalExitRoot: first });
    await w.waitVirtual(withKnown);

    // A GER L1 does not know yet: the batch waits, then goes once the GER is posted.
    const second = `0x${'b2'.repeat(32)}` as const;
    const [withUnknown] = await w.closeBatches([64], { globalExitRoot: second });
    await w.sender!.waitForLog((l) => l.msg === 'next batch cannot be sequenced yet (timestamp ahead of L1, GER or forced batch not on L1)' && l.batch === withUnknown, 'the sender to hold the batch');
    const [onL1] = await w.rollupRead('lastBatchSequenced');
    expect(Number(onL1)).toBe(withKnown);
    await (await ger.getFunction('updateGlobalExitRoot')(second)).wait();
    await w.waitVirtual(withUnknown);
    expect((await w.state.getBatch(withUnknown))!.globalExitRoot).toBe(second);
    const [accInputHash] = await w.rollupRead('sequencedBatches', withUnknown);
    expect(accInputHash).toBe((await w.state.getBatch(withUnknown))!.accInputHash);
  });
});
