// A trusted batch whose accInputHash differs from what L1 computed halts sequencing: the
// synchronizer raises the StateDB halt flag with a critical log and metric, does not mark the
// batch virtual, stays stopped across a restart, and the sequence-sender sends nothing more.
import { SequencingErrorCode } from '@zkseq/errors';
import { SequencingWorld } from './harness/sequencing';

jest.setTimeout(240_000);

describe('accInputHash mismatch', () => {
  let w: SequencingWorld;

  beforeAll(async () => {
    // One batch per sequence, and results three blocks deep: the synchronizer (following the head)
    // halts on a sequence before the sender hears it was confirmed and could send the next one.
    w = await new SequencingWorld({ blockTimeMs: 1000, sender: { SEQSENDER_MAX_BATCHES: '1' }, ethTxManager: { ETHTXMAN_CONFIRMATIONS: '3' } }).start();
  });

  afterAll(async () => {
    await w?.stop();
  });

  it('halts sequencing instead of continuing', async () => {
    await w.closeBatches([100]);
    await w.waitVirtual(1);
    const wrong = `0x${'0b'.repeat(32)}` as const;
    const [bad] = await w.closeBatches([120], { tamper: () => ({ accInputHash: wrong }) });
    const [next] = await w.closeBatches([100]);

    const critical = await w.sync!.waitForLog((l) => l.msg === 'sequencing halted: L1 disagrees with the trusted state (trusted reorg needed)', 'the critical halt log');
    expect(critical).toMatchObject({ level: 'fatal', critical: true, batchNumber: bad, details: { code: SequencingErrorCode.AccInputHashMismatch, ours: wrong } });
    const [onL1] = await w.rollupRead('sequencedBatches', bad);
    expect((critical.details as { l1: string }).l1).toBe(onL1);

    expect(await w.state.getHalt()).toMatchObject({ source: 'synchronizer', batchNumber: bad, reason: expect.stringContaining(SequencingErrorCode.AccInputHashMismatch) });
    expect(await w.state.getBatch(bad)).toMatchObject({ status: 'closed' });
    expect((await w.state.getHeads())!.lastVirtualBatch).toBe(1);
    expect(await w.sync!.metric('sync_halted')).toBe(1);
    expect(await w.sync!.metric('sync_mismatches_total', `code="${SequencingErrorCode.AccInputHashMismatch}"`)).toBe(1);

    // The sender records the bad sequence's result, then keeps the next closed batch off L1.
    await w.sender!.waitForLog((l) => l.msg === 'sequence confirmed on L1' && l.to === bad, 'the bad sequence result');
    const held = await w.sender!.waitForLog((l) => l.msg === 'sequencing is halted; no sequence is sent until an operator clears the halt' && l.lastClosedBatch === next, 'the sender to hold the next batch');
    expect(held).toMatchObject({ closedNotSequenced: 1 });
    expect(await w.sender!.metric('seqsender_halted')).toBe(1);
    expect(await w.sender!.metric('seqsender_in_flight_sequences')).toBe(0);
    const [lastOnL1] = await w.rollupRead('lastBatchSequenced');
    expect(Number(lastOnL1)).toBe(bad);
    // The sequencer's writes are refused by the StateDB while the flag is up.
    await expect(w.closeBatches([10])).rejects.toThrow(/STATEDB_HALTED/);

    // A restarted synchronizer stays stopped at the same place.
    await w.sync!.stop();
    const again = await w.startSync();
    await again.waitForLog((l) => l.msg === 'synchronizer stopped by its halt; waiting for an operator to clear it', 'the restarted synchronizer to stay halted');
    expect((await w.state.getHeads())!.lastVirtualBatch).toBe(1);
  });
});
