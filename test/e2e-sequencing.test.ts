// End to end on the real stack, every service its own process (hashdb, executor, pool, rpc,
// sequencer, eth-tx-manager, sequence-sender, synchronizer) with a hardhat L1 mining every second,
// the rollup compiled from source, NATS and Redis: 500 transactions sent with ethers through the
// JSON-RPC are closed into batches, sequenced and virtual, through a kill -9 of the sequence-sender
// after it broadcast and an L1 reorg in the middle; no batch is sequenced twice.
import type { Wallet } from 'ethers';
import { waitFor } from './harness/processes';
import type { L1SequenceSeen } from './harness/sequencing';
import { FullStack, L2_CHAIN_ID } from './harness/stack';

jest.setTimeout(600_000);

const ACCOUNTS = 50;
const RECIPIENT = '0x000000000000000000000000000000000000beef';

describe('end to end: L2 transactions to virtual batches on L1', () => {
  let s: FullStack;

  beforeAll(async () => {
    s = await new FullStack({
      accounts: ACCOUNTS,
      blockTimeMs: 1000,
      // Small batches so that the 500 transactions make many of them, and several sequences.
      sequencerEnv: { SEQUENCER_MAX_TXS: '25', SEQUENCER_BATCH_TIMEOUT_MS: '1500', SEQUENCER_IDLE_POLL_MS: '50' },
      ethTxManager: { ETHTXMAN_CONFIRMATIONS: '3', ETHTXMAN_RESEND_AFTER_MS: '5000' },
      sender: { SEQSENDER_MAX_WAIT_MS: '1000' },
    }).start();
  });

  afterAll(async () => {
    await s?.stop();
  });

  it('sequences 500 transactions exactly once and makes every batch virtual with our accInputHash', async () => {
    const l2 = s.l2Provider();
    const gasPrice = BigInt(await s.rpc<string>('eth_gasPrice'));
    // Signed up front, so that sending later leaves this process free to watch L1.
    const signed = new Map<Wallet, string[]>();
    for (const w of s.l2Wallets) {
      const raws: string[] = [];
      for (let nonce = 0; nonce < 500 / ACCOUNTS; nonce++) raws.push(await w.signTransaction({ type: 0, chainId: L2_CHAIN_ID, nonce, gasPrice, gasLimit: 21_000, to: RECIPIENT, value: 1n }));
      signed.set(w, raws);
    }
    const sent: string[] = [];
    /** `perAccount` transfers from every account, each account's in nonce order. */
    const sendRound = async (perAccount: number) => {
      await Promise.all(s.l2Wallets.map(async (w) => {
        for (const raw of signed.get(w)!.splice(0, perAccount)) sent.push((await l2.broadcastTransaction(raw)).hash);
      }));
    };
    const heads = async () => (await s.state.getHeads())!;
    /** Every transaction sent so far has a receipt, and the batches holding them are closed and virtual. */
    const settle = async () => {
      const receipts = await waitFor(async () => {
        const all = await Promise.all(sent.map((h) => l2.getTransactionReceipt(h)));
        return all.every((r) => r !== null) ? all.map((r) => r!) : undefined;
      }, `receipts of ${sent.length} transactions`, 240_000, 500);
      const last = Math.max(...(await Promise.all(sent.map(async (h) => (await s.state.getTx(h))!.batchNumber))));
      await waitFor(async () => ((await s.state.getBatch(last))!.status !== 'open' ? true : undefined), `batch ${last} to close`, 60_000);
      await waitFor(async () => (Number(await s.rpc<string>('zkevm_virtualBatchNumber')) >= last ? true : undefined), `zkevm_virtualBatchNumber to reach ${last}`, 240_000, 250);
      return { receipts, last };
    };

    // 1. 200 transactions; the sequence-sender is killed once its first L1 transaction is broadcast.
    const l1Sequencer = s.sequencer.address;
    const l1NonceBefore = await s.pendingNonce(l1Sequencer);
    const killed = (async () => {
      await waitFor(async () => ((await s.pendingNonce(l1Sequencer)) > l1NonceBefore ? true : undefined), 'the first sequence to be broadcast', 120_000, 20);
      await s.sender!.kill9();
    })();
    await sendRound(4);
    await killed;

    // 2. 100 more while it is down, then it comes back and finds its in-flight sequence.
    await sendRound(2);
    const restarted = await s.startSender();
    expect(restarted.logs.find((l) => l.msg === 'sequence records loaded')).toMatchObject({ inFlight: { id: expect.stringMatching(/^sequence-from-\d+-to-\d+$/) } });
    await settle();

    // 3. 100 more; once some of them are virtual, L1 reorgs back to before they were sequenced.
    const snapshot = await s.node.rpc<string>('evm_snapshot');
    const forkBlock = await s.provider.getBlockNumber();
    const virtualAtFork = (await heads()).lastVirtualBatch;
    await sendRound(2);
    await waitFor(async () => ((await heads()).lastVirtualBatch > virtualAtFork ? true : undefined), 'a batch to become virtual after the fork point', 180_000, 100);
    // A transaction dropped from the L1 mempool waits for its resend; revert between sends.
    await waitFor(async () => ((await s.pendingNonce(l1Sequencer)) === (await s.provider.getTransactionCount(l1Sequencer, 'latest')) ? true : undefined), 'no pending L1 sequence', 60_000, 20);
    expect(await s.node.rpc<boolean>('evm_revert', [snapshot])).toBe(true);
    const rolledBack = await s.sync!.waitForLog((l) => l.msg === 'virtual batches rolled back to closed; they are sequenced again' && l.why === 'L1 reorg', 'the reorg rollback', 120_000);
    expect(rolledBack.from).toBe(virtualAtFork + 1);

    // 4. The last 100.
    await sendRound(2);
    expect(sent).toHaveLength(500);

    // Every transaction mined on L2 with a successful receipt, its batch closed, sequenced and virtual.
    const { receipts, last: lastBatch } = await settle();
    expect(receipts.every((r) => r.status === 1)).toBe(true);

    // L1: every batch exactly once, in order, and the rollup's accInputHash for the last one is ours.
    const seqs: L1SequenceSeen[] = await s.l1Sequences();
    const covered = seqs.flatMap((q) => Array.from({ length: q.to - q.from + 1 }, (_, i) => q.from + i));
    const [lastOnL1] = await s.rollupRead('lastBatchSequenced');
    expect(Number(lastOnL1)).toBe(lastBatch);
    expect(covered).toEqual(Array.from({ length: lastBatch }, (_, i) => i + 1));
    const [accInputHash] = await s.rollupRead('sequencedBatches', lastBatch);
    const ours = (await s.state.getBatch(lastBatch))!;
    expect(accInputHash).toBe(ours.accInputHash);
    expect(ours.status).toBe('virtual');

    let txs = 0;
    for (const q of seqs) {
      for (let n = q.from; n <= q.to; n++) {
        const b = (await s.state.getBatch(n))!;
        expect(b).toMatchObject({ status: 'virtual', sendSequencesTxHash: q.txHash, virtualL1Block: q.blockNumber });
        expect(q.transactions[n - q.from]).toBe(b.batchL2Data);
        txs += b.resources.txCount;
      }
    }
    expect(txs).toBe(500);
    expect(BigInt(await s.rpc<string>('eth_getBalance', [RECIPIENT, 'latest']))).toBe(500n);
    expect(await s.sync!.metric('sync_l1_reorgs_total')).toBeGreaterThanOrEqual(1);
    expect(await s.sync!.metric('sync_halted')).toBe(0);
    expect(await s.state.getHalt()).toBeNull();
    l2.destroy();
  });
});
