// A sequence that fails on L1 (here: the trusted sequencer cannot pay the batch fee) is sent again
// under a new id once it can succeed, and its batches still land on L1 exactly once.
import { contractAt } from '@zkseq/contracts';
import { SequencingWorld } from './harness/sequencing';

jest.setTimeout(240_000);

describe('failed sequence', () => {
  let w: SequencingWorld;

  beforeAll(async () => {
    w = await new SequencingWorld({ blockTimeMs: 1000, sender: { SEQSENDER_RETRY_BASE_MS: '500', SEQSENDER_RETRY_MAX_MS: '2000' } }).start();
  });

  afterAll(async () => {
    await w?.stop();
  });

  it('is sent again after the failure and lands once', async () => {
    await w.closeBatches([100]);
    await w.waitVirtual(1);
    const rollup = contractAt('ZkEvmRollup', w.system.rollup, w.wallet(w.admin));
    const fee = (await rollup.getFunction('batchFee')()) as bigint;
    await (await rollup.getFunction('setBatchFee')(10n ** 30n)).wait();

    const [n] = await w.closeBatches([100]);
    const failed = await w.sender!.waitForLog((l) => l.msg === 'sequence failed on L1; its batches will be sent again', 'the failed sequence');
    expect(failed).toMatchObject({ id: `sequence-from-${n}-to-${n}`, code: 'SEQ_SEQUENCE_FAILED', error: { code: 'L1TX_REVERTED' } });
    await (await rollup.getFunction('setBatchFee')(fee)).wait();
    await w.waitVirtual(n);

    const seqs = await w.l1Sequences();
    expect(seqs.map((s) => [s.from, s.to])).toEqual([[1, 1], [n, n]]);
    const confirmed = await w.sender!.waitForLog((l) => l.msg === 'sequence confirmed on L1' && l.from === n, 'the retried sequence result');
    expect(confirmed.id).toMatch(new RegExp(`^sequence-from-${n}-to-${n}-retry-\\d+$`));
    expect(await w.sender!.metric('seqsender_sequences_total', 'event="failed"')).toBeGreaterThanOrEqual(1);
    const [accInputHash] = await w.rollupRead('sequencedBatches', n);
    expect(accInputHash).toBe((await w.state.getBatch(n))!.accInputHash);
  });
});
