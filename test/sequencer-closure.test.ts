// Batch closure on each condition, with real hashdb, executor and sequencer processes. The
// sequencer is restarted (SIGTERM) between cases with other limits; each start rebuilds the open
// batch from the StateDB.
import type { ServiceProcess } from './rpc-harness';
import { account, COINBASE, GWEI, KECCAK_LOOP_CODE, MEMORY_BURN_CODE, poolTx, SequencerStack, waitFor, word, type Account } from './sequencer-harness';

jest.setTimeout(240_000);

const FUNDS = 10n ** 24n;
const KECCAK = '0x00000000000000000000000000000000000ecc4a';
const BURN = '0x00000000000000000000000000000000000b0b00';
const senders: Account[] = Array.from({ length: 24 }, (_, i) => account(`closure-sender-${i}`));
const to = (a: string) => Buffer.from(a.slice(2), 'hex');
const KECCAK_LIMIT = 2_145;

describe('sequencer batch closure', () => {
  const stack = new SequencerStack();
  let seq: ServiceProcess;
  const restart = async (env: Record<string, string>) => {
    await seq?.stop();
    seq = await stack.startSequencer(env);
    await stack.leading(seq);
  };

  beforeAll(async () => {
    await stack.start({
      genesis: [
        ...senders.map((s) => ({ address: s.address, balance: FUNDS })),
        { address: KECCAK, code: KECCAK_LOOP_CODE },
        { address: BURN, code: MEMORY_BURN_CODE },
      ],
    });
  });
  afterAll(() => stack.stop());

  it('writes batch 0 from the genesis file and closes a batch when it holds the maximum tx count, best price first', async () => {
    const txs = await Promise.all(senders.slice(0, 7).map((s, i) => stack.add(poolTx(s, { nonce: 0n, gasPrice: BigInt(10 - i) * GWEI }))));
    await restart({ SEQUENCER_MAX_TXS: '5' });
    const b0 = (await stack.batch(0))!;
    expect(b0).toMatchObject({ status: 'virtual', closingReason: 'genesis', coinbase: COINBASE });
    expect((await stack.state.getBlock(0))?.stateRoot).toBe(b0.stateRoot);
    const b1 = await stack.closedBatch(1, 'txs');
    expect(b1.number).toBe(1);
    expect(b1.resources.txCount).toBe(5);
    expect(await stack.state.getBatchTxHashes(1)).toEqual(txs.slice(0, 5).map((t) => t.hash));
    for (const t of txs.slice(0, 5)) expect((await stack.poolStatus(t.hash))?.status).toBe('selected');
  });

  it('closes a non-empty batch at its timeout', async () => {
    await restart({ SEQUENCER_BATCH_TIMEOUT_MS: '300' });
    const b = await stack.closedBatch(2, 'timeout');
    expect(b.resources.txCount).toBe(2);
    expect(b.closedAt! - b.openedAt).toBeGreaterThanOrEqual(300);
  });

  it('closes when the keccak counter has 10% or less left, and what no longer fits goes to the next batch', async () => {
    await restart({});
    const calls = await Promise.all(senders.slice(7, 13).map((s) => stack.add(poolTx(s, { nonce: 0n, gasLimit: 1_000_000n, to: to(KECCAK), value: 0n, data: word(500) }))));
    const b = await stack.closedBatch(3, 'counter:keccakHashes');
    const used = b.resources.counters.keccakHashes + Math.ceil((b.resources.bytes + 1) / 136) + 2;
    expect(used).toBeGreaterThanOrEqual(Math.ceil(KECCAK_LIMIT * 0.9));
    expect(used).toBeLessThanOrEqual(KECCAK_LIMIT);
    expect(b.resources.txCount).toBe(4);
    // The two left out are pending, then included in the following batch.
    for (const t of calls) await stack.waitTxIncluded(t.hash);
    const later = await stack.state.getTx(calls[5].hash);
    expect(later!.batchNumber).toBeGreaterThan(b.number);
    expect(later!.receipt.status).toBe(1);
  });

  it('closes when cumulative gas has 10% or less left (large transactions)', async () => {
    const start = (await stack.state.getHeads())!.lastBatch;
    // MSTORE at 1.5 MiB: about 4.9 M gas of memory expansion, few counters.
    const burns = await Promise.all(
      senders.slice(13, 20).map((s) => stack.add(poolTx(s, { nonce: 0n, gasLimit: 5_000_000n, to: to(BURN), value: 0n, data: word(0x180000) }))),
    );
    const b = await stack.closedBatch(start, 'gas');
    expect(b.resources.gasUsed).toBeGreaterThanOrEqual(27_000_000);
    expect(b.resources.gasUsed).toBeLessThanOrEqual(30_000_000);
    for (const t of burns) await stack.waitTxIncluded(t.hash);
    expect((await stack.state.getTx(burns[0].hash))!.receipt.status).toBe(1);
  });

  it('marks a transaction that cannot fit even an empty batch invalid, without stalling the others', async () => {
    const [heavy, a, b] = senders.slice(20, 23);
    const never = await stack.add(poolTx(heavy, { nonce: 0n, gasPrice: 50n * GWEI, gasLimit: 2_000_000n, to: to(KECCAK), value: 0n, data: word(3_000) }));
    const behind = await stack.add(poolTx(heavy, { nonce: 1n, gasPrice: 50n * GWEI }));
    const ok = [await stack.add(poolTx(a, { nonce: 0n })), await stack.add(poolTx(b, { nonce: 0n }))];
    const invalid = await waitFor(async () => {
      const p = await stack.poolStatus(never.hash);
      return p?.status === 'invalid' ? p : null;
    });
    expect(invalid.reason).toMatch(/does not fit an empty batch/);
    for (const t of ok) await stack.waitTxIncluded(t.hash);
    expect(await stack.state.getTx(never.hash)).toBeNull();
    // Its sender's next nonce waits behind the gap it left.
    expect((await stack.poolStatus(behind.hash))?.status).toBe('pending');
  });

  it('leaves a chain whose every batch re-executes to its stored roots and accInputHash', async () => {
    await restart({ SEQUENCER_BATCH_TIMEOUT_MS: '200' });
    const heads = await waitFor(async () => {
      const h = (await stack.state.getHeads())!;
      return h.lastClosedBatch === h.lastBatch ? h : null;
    });
    const { txs } = await stack.verifyChain();
    expect(txs.length).toBe(heads.lastBlock);
    expect(txs.length).toBe(7 + 6 + 7 + 2);
  });

  it('exports the batch-closure dashboard metrics', async () => {
    const t = await stack.add(poolTx(senders[23], { nonce: 0n }));
    const { batchNumber } = await stack.waitTxIncluded(t.hash);
    await stack.closedBatch(batchNumber, 'timeout');
    const port = seq.logs.map((l) => /"metricsPort":(\d+)/.exec(l)?.[1]).find((p) => p !== undefined);
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const value = (name: string, labels: Record<string, string> = {}) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    expect(value('sequencer_batches_closed_total', { reason: 'timeout' })).toBeGreaterThan(0);
    for (const name of ['sequencer_batch_open_seconds_count', 'sequencer_batch_txs_sum', 'sequencer_batch_gas_sum', 'sequencer_batch_bytes_sum', 'sequencer_tx_inclusion_seconds_count']) {
      expect(value(name)).toBeGreaterThan(0);
    }
    expect(value('sequencer_batch_resource_used_percent_count', { resource: 'steps' })).toBeGreaterThan(0);
    expect(value('sequencer_time_seconds_total', { phase: 'executing' })).toBeGreaterThan(0);
    expect(value('sequencer_executor_call_seconds_count', { kind: 'candidates', outcome: 'ok' })).toBeGreaterThan(0);
    expect(value('sequencer_pool_pending')).toBe(0);
    expect(value('sequencer_leader')).toBe(1);
  });
});
