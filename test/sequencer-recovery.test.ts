// Crash recovery and single-leader takeover with real processes: kill -9 of the sequencer in the
// middle of a batch, and a standby taking over from a leader that is killed or frozen (SIGSTOP)
// past its lease. After each, the chain must hold every pool transaction exactly once, in sender
// nonce order, with roots equal to a re-execution from genesis.
import type { NewPoolTx } from '@zkseq/pooldb';
import type { ServiceProcess } from './rpc-harness';
import { join } from 'node:path';
import { startHashDb } from './hashdb-process';
import { account, poolTx, SequencerStack, waitFor, type Account } from './sequencer-harness';

jest.setTimeout(300_000);

const FUNDS = 10n ** 24n;

async function fill(stack: SequencerStack, senders: Account[], perSender: number): Promise<NewPoolTx[]> {
  const txs: NewPoolTx[] = [];
  for (let n = 0; n < perSender; n++) for (const s of senders) txs.push(await stack.add(poolTx(s, { nonce: BigInt(n), gasPrice: BigInt(1 + (txs.length % 7)) * 1_000_000_000n })));
  return txs;
}

const lastBlock = async (stack: SequencerStack) => (await stack.state.getHeads())!.lastBlock;
const atLeastBlocks = (stack: SequencerStack, n: number) => waitFor(async () => (await lastBlock(stack)) >= n);

/** Every tx in exactly one block, each sender's in nonce order, all marked selected in the pool. */
async function expectAllIncluded(stack: SequencerStack, txs: NewPoolTx[]): Promise<void> {
  await waitFor(async () => (await lastBlock(stack)) >= txs.length);
  const { txs: chain } = await stack.verifyChain();
  expect([...chain].sort()).toEqual(txs.map((t) => t.hash).sort());
  const position = new Map(chain.map((h, i) => [h, i]));
  const bySender = new Map<string, NewPoolTx[]>();
  for (const t of txs) bySender.set(t.from, [...(bySender.get(t.from) ?? []), t]);
  for (const list of bySender.values()) {
    const order = list.sort((a, b) => a.nonce - b.nonce).map((t) => position.get(t.hash)!);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  }
  const statuses = await Promise.all(txs.map((t) => stack.poolStatus(t.hash)));
  expect(statuses.filter((p) => p?.status !== 'selected')).toEqual([]);
}

describe('sequencer recovery', () => {
  it('survives kill -9 at any point of an open batch: nothing lost, nothing twice, same roots', async () => {
    const senders = Array.from({ length: 60 }, (_, i) => account(`recovery-${i}`));
    const stack = await new SequencerStack().start({ genesis: senders.map((s) => ({ address: s.address, balance: FUNDS })) });
    try {
      const txs = await fill(stack, senders, 4);
      // Small calls, so each kill lands among executed-but-unwritten, written-but-unmarked and pending work.
      const env = { SEQUENCER_CANDIDATES_PER_CALL: '15' };
      for (const killAt of [30, 110, 190]) {
        const seq = await stack.startSequencer(env);
        await stack.leading(seq);
        await atLeastBlocks(stack, killAt);
        seq.child.kill('SIGKILL');
        await seq.exited;
      }
      const heads = (await stack.state.getHeads())!;
      expect(heads.lastBatch).toBe(1);
      const seq = await stack.startSequencer(env);
      await stack.leading(seq);
      await expectAllIncluded(stack, txs);
      expect(await stack.batch(1)).toMatchObject({ status: 'open', resources: { txCount: txs.length } });
    } finally {
      await stack.stop();
    }
  });

  it('a standby takes over from a killed leader and from a frozen one, which then cannot write', async () => {
    const senders = Array.from({ length: 50 }, (_, i) => account(`takeover-${i}`));
    const stack = await new SequencerStack().start({ genesis: senders.map((s) => ({ address: s.address, balance: FUNDS })) });
    try {
      const env = { SEQUENCER_CANDIDATES_PER_CALL: '10', SEQUENCER_BATCH_TIMEOUT_MS: '1500' };
      const a = await stack.startSequencer(env);
      await stack.leading(a);
      const b = await stack.startSequencer(env);
      await waitFor(async () => b.logs.some((l) => l.includes('"standby: another instance holds the lease"')));
      const txs = await fill(stack, senders, 4);

      // Freeze the leader past its lease: the standby takes over and goes on.
      await atLeastBlocks(stack, 40);
      a.child.kill('SIGSTOP');
      await stack.leading(b);
      const atTakeover = await lastBlock(stack);
      await atLeastBlocks(stack, atTakeover + 20);
      // Thawed, the old leader finds its lease gone; whatever it still tries to write is refused.
      a.child.kill('SIGCONT');
      await waitFor(async () => a.logs.some((l) => l.includes('"lease lost: stopping sequencing"') || l.includes('STATEDB_FENCED')));
      await waitFor(async () => a.logs.some((l) => l.includes('"standby: another instance holds the lease"')));

      // Kill the new leader: the old one, now a standby, takes over and finishes.
      await atLeastBlocks(stack, atTakeover + 40);
      b.child.kill('SIGKILL');
      await b.exited;
      await stack.leading(a, 2);
      await expectAllIncluded(stack, txs);
      const closed = await stack.closedBatch(1, /timeout/);
      expect(closed.number).toBeGreaterThanOrEqual(1);
    } finally {
      await stack.stop();
    }
  });

  it('rebuilds from the StateDB when the hashdb is killed (-9) under it, losing nothing', async () => {
    const senders = Array.from({ length: 100 }, (_, i) => account(`hashdb-crash-${i}`));
    const stack = await new SequencerStack().start({ genesis: senders.map((s) => ({ address: s.address, balance: FUNDS })) });
    try {
      const txs = await fill(stack, senders, 4);
      const seq = await stack.startSequencer({ SEQUENCER_CANDIDATES_PER_CALL: '10' });
      await stack.leading(seq);
      await atLeastBlocks(stack, 30);
      // Same port and data dir: the executor reconnects; what the hashdb had not flushed is gone.
      const port = stack.hashdbProc.grpcAddress.split(':')[1];
      stack.hashdbProc.child.kill('SIGKILL');
      await stack.hashdbProc.exited;
      stack.hashdbProc = await startHashDb({ HASHDB_DATA_DIR: join(stack.dir, 'hashdb'), HASHDB_GRPC_PORT: port });
      await expectAllIncluded(stack, txs);
      expect(seq.logs.some((l) => l.includes('rebuilding the open batch from the StateDB'))).toBe(true);
    } finally {
      await stack.stop();
    }
  });
});
