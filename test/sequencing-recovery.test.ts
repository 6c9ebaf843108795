// Crash and L1 reorg recovery of the sequencing pipeline, with real processes and a hardhat L1:
// kill -9 of the sequence-sender once its L1 transaction was broadcast, and an L1 reorg
// (evm_snapshot / evm_revert) that removes sequences already virtual.
import { SequencingWorld, type L1SequenceSeen } from './harness/sequencing';
import { waitFor } from './harness/processes';

jest.setTimeout(240_000);

/** Every batch number covered by the L1 sequences, in L1 order. */
const covered = (seqs: L1SequenceSeen[]) => seqs.flatMap((s) => Array.from({ length: s.to - s.from + 1 }, (_, i) => s.from + i));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function expectVirtualWithOurHash(w: SequencingWorld, last: number): Promise<L1SequenceSeen[]> {
  const seqs = await w.l1Sequences();
  expect(covered(seqs)).toEqual(range(1, last));
  const [lastOnL1] = await w.rollupRead('lastBatchSequenced');
  expect(Number(lastOnL1)).toBe(last);
  const [accInputHash] = await w.rollupRead('sequencedBatches', last);
  expect(accInputHash).toBe((await w.state.getBatch(last))!.accInputHash);
  for (const s of seqs) for (let n = s.from; n <= s.to; n++) expect(await w.state.getBatch(n)).toMatchObject({ status: 'virtual', sendSequencesTxHash: s.txHash, virtualL1Block: s.blockNumber });
  return seqs;
}

describe('sequencing recovery', () => {
  let w: SequencingWorld | undefined;

  afterEach(async () => {
    await w?.stop();
    w = undefined;
  });

  it('kill -9 of the sequence-sender after its L1 transaction was broadcast: nothing is sent twice', async () => {
    // Deeper confirmations keep the result unpublished for a few blocks after the transaction lands.
    w = await new SequencingWorld({ blockTimeMs: 1000, ethTxManager: { ETHTXMAN_CONFIRMATIONS: '4' } }).start();
    const sequencer = w.sequencer.address;
    const nonceBefore = await w.pendingNonce(sequencer);
    await w.closeBatches([200, 300, 400]);
    await waitFor(async () => ((await w!.pendingNonce(sequencer)) > nonceBefore ? true : undefined), 'the sequence transaction to be broadcast', 60_000, 20);
    const inFlight = w.sender!.logs.find((l) => l.msg === 'sequence handed to eth-tx-manager');
    expect(inFlight).toMatchObject({ id: 'sequence-from-1-to-3' });
    await w.sender!.kill9();
    expect(w.sender!.logs.some((l) => l.msg === 'sequence confirmed on L1')).toBe(false);

    // Batches keep closing while it is down; the broadcast transaction lands without it.
    await w.closeBatches([100, 100]);
    await w.waitVirtual(3);
    const restarted = await w.startSender();
    // Its result may have gone to the killed process's pending pull: the restarted one reads the stream itself.
    await restarted.waitForLog((l) => l.msg === 'sequence confirmed on L1' && l.id === 'sequence-from-1-to-3', 'the in-flight sequence to be recorded after the restart');
    expect(restarted.logs.find((l) => l.msg === 'sequence records loaded')).toMatchObject({ inFlight: { id: 'sequence-from-1-to-3', from: 1, to: 3 } });
    await w.waitVirtual(5);

    const seqs = await expectVirtualWithOurHash(w, 5);
    expect(seqs[0]).toMatchObject({ from: 1, to: 3 });
    // The only requests eth-tx-manager ever got: the in-flight one was not sent under another id.
    const requested = w.ethTxManager!.logs.filter((l) => l.msg === 'request stored' || l.msg === 'repeated request id ignored').map((l) => l.id);
    expect(new Set(requested)).toEqual(new Set(seqs.map((s) => `sequence-from-${s.from}-to-${s.to}`)));
    expect(await w.pendingNonce(sequencer)).toBe(nonceBefore + seqs.length);
  });

  it('an L1 reorg rolls virtual batches back, they are sequenced again and become virtual once more', async () => {
    w = await new SequencingWorld({ blockTimeMs: 1000 }).start();
    await w.closeBatches([100, 100]);
    await w.waitVirtual(2);
    const snapshot = await w.node.rpc<string>('evm_snapshot');
    const forkBlock = await w.provider.getBlockNumber();

    await w.closeBatches([150, 150, 150]);
    await w.waitVirtual(5);
    const before = await w.l1Sequences();
    const undone = before.filter((s) => s.blockNumber > forkBlock);
    expect(covered(undone)).toEqual([3, 4, 5]);

    expect(await w.node.rpc<boolean>('evm_revert', [snapshot])).toBe(true);
    const rolledBack = await w.sync!.waitForLog((l) => l.msg === 'virtual batches rolled back to closed; they are sequenced again', 'the synchronizer to roll back');
    expect(rolledBack).toMatchObject({ why: 'L1 reorg', from: 3, to: 5 });
    expect((rolledBack.l1Block as number) <= forkBlock).toBe(true);
    await w.sync!.waitForLog((l) => l.msg === 'L1 reorg: continuing from the common ancestor', 'the reorg log');

    // eth-tx-manager mines the same transactions again; the sender learns where they landed.
    await w.waitVirtual(5);
    await w.sender!.waitForLog((l) => l.msg === 'sequence mined again in another L1 block (L1 reorg)', 'the sender to record the new L1 block');
    await w.closeBatches([100]);
    await w.waitVirtual(6);

    const after = await expectVirtualWithOurHash(w, 6);
    for (const s of after.filter((x) => x.from >= 3 && x.to <= 5)) expect(s.blockNumber).toBeGreaterThan(forkBlock);
    expect(await w.sync!.metric('sync_l1_reorgs_total')).toBeGreaterThanOrEqual(1);
    expect(await w.sync!.metric('sync_rolled_back_batches_total')).toBe(3);
    expect(await w.sync!.metric('sync_halted')).toBe(0);
  });
});
