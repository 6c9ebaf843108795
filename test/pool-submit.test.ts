// The pool service as processes: two replicas in the `pool` queue group behind NATS request/reply,
// account state from a real hashdb, pre-execution on a real executor.
import { ethRawTx, fromHex, signTx, toHex, type TxFields } from '@zkseq/batch';
import { PoolErrorCode } from '@zkseq/errors';
import { decode, encode, type PoolTxAdded, type PoolTxSubmitManyReply, type PoolTxSubmitReply } from '@zkseq/messaging';
import { CHAIN_ID, GWEI, newAccount, Stack, type Account } from './rpc-harness';

const alice = newAccount();
const bob = newAccount();
const heavy = newAccount();
/** Hashes 13,600 bytes of memory in an endless loop: alone it exhausts the batch's keccak counters. */
const KECCAK_LOOP = fromHex('0x5b61352060002050600056');
const LOOP_ADDRESS = '0x00000000000000000000000000000000000c0de1';

const stack = new Stack();

beforeAll(async () => {
  await stack.start({
    genesis: [
      { address: alice.address, balance: 10n ** 22n },
      { address: bob.address, balance: 10n ** 22n },
      { address: heavy.address, balance: 10n ** 22n },
      { address: LOOP_ADDRESS, code: KECCAK_LOOP },
    ],
    executor: true,
    pool: 2,
    poolEnv: { POOL_PRE_EXECUTE: 'true', POOL_MIN_GAS_PRICE: GWEI.toString() },
  });
}, 120_000);

afterAll(async () => {
  await stack.stop();
}, 60_000);

function raw(from: Account, over: Partial<TxFields> = {}): string {
  const tx: TxFields = { nonce: 0n, gasPrice: GWEI, gasLimit: 21_000n, to: fromHex(bob.address), value: 1n, data: new Uint8Array(0), chainId: BigInt(CHAIN_ID), ...over };
  return toHex(ethRawTx(tx, signTx(tx, from.key)));
}

async function submit(body: unknown): Promise<PoolTxSubmitReply> {
  const msg = await stack.nc.request(stack.subjects.poolTxSubmit, typeof body === 'string' ? new TextEncoder().encode(body) : encode(body), { timeout: 10_000 });
  return decode<PoolTxSubmitReply>(msg.data);
}

async function metric(proc: { logs: string[] }, name: string): Promise<number> {
  const line = proc.logs.find((l) => l.includes('"msg":"ops endpoints listening"'))!;
  const port = (JSON.parse(line) as { metricsPort: number }).metricsPort;
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

describe('pool service over NATS', () => {
  it('admits transactions through both replicas and announces each on pool.tx.added', async () => {
    const added: PoolTxAdded[] = [];
    const sub = stack.nc.subscribe(stack.subjects.poolTxAdded, { callback: (_err, m) => added.push(decode<PoolTxAdded>(m.data)) });
    const raws = Array.from({ length: 16 }, (_, i) => raw(alice, { nonce: BigInt(i) }));
    const replies = await Promise.all(raws.map((r) => submit({ rawTx: r })));
    expect(replies.every((r) => r.ok)).toBe(true);
    await stack.nc.flush();
    sub.unsubscribe();
    const hashes = replies.map((r) => (r as { hash: string }).hash);
    expect(new Set(added.map((a) => a.hash))).toEqual(new Set(hashes));
    expect(added.find((a) => a.nonce === 3)).toEqual({ hash: hashes[3], from: alice.address, nonce: 3, gasPrice: GWEI.toString() });
    const stored = await stack.pool.get(hashes[5]);
    expect(stored).toMatchObject({ from: alice.address, nonce: 5, status: 'pending', raw: raws[5] });
    // The queue group spread the work: every replica admitted some.
    for (const p of stack.pools) expect(await metric(p, 'pool_submissions_total{result="accepted"')).toBeGreaterThan(0);
    expect(await stack.pool.counts()).toEqual({ pending: 16, queued: 0 });
    // geth's per-account limit of 16 executable transactions.
    const over = await submit({ rawTx: raw(alice, { nonce: 16n }) });
    expect(over).toMatchObject({ ok: false, code: PoolErrorCode.AccountLimit, message: 'account limit exceeded' });
  });

  it('answers every rejection with its code and message and writes nothing', async () => {
    const before = await stack.poolSnapshot();
    const cases: [unknown, string, RegExp][] = [
      [{ rawTx: raw(bob, { chainId: 5n }) }, PoolErrorCode.InvalidChainId, /^invalid chain id for signer/],
      [{ rawTx: raw(bob, { gasPrice: GWEI - 1n }) }, PoolErrorCode.Underpriced, /^transaction underpriced/],
      [{ rawTx: raw(bob, { value: 10n ** 23n }) }, PoolErrorCode.InsufficientFunds, /^insufficient funds for gas \* price \+ value/],
      [{ rawTx: raw(bob, { gasLimit: 20_000n }) }, PoolErrorCode.IntrinsicGas, /^intrinsic gas too low/],
      [{ rawTx: raw(alice, { nonce: 0n, gasPrice: (11n * GWEI) / 10n - 1n, value: 2n }) }, PoolErrorCode.ReplacementUnderpriced, /^replacement transaction underpriced$/],
      [{ rawTx: raw(bob, { nonce: 64n }) }, PoolErrorCode.NonceTooHigh, /^nonce too high/],
      [{ rawTx: `0x02${raw(bob).slice(2)}` }, PoolErrorCode.TxTypeNotSupported, /^transaction type not supported$/],
      [{ rawTx: '0xc0' }, PoolErrorCode.InvalidRlp, /^invalid rlp/],
      [{ rawTx: 42 }, PoolErrorCode.InvalidRlp, /^invalid rlp/],
      ['not json', PoolErrorCode.InvalidRlp, /^invalid rlp: request body is not JSON$/],
    ];
    for (const [body, code, message] of cases) {
      const reply = await submit(body);
      expect({ body, reply }).toEqual({ body, reply: { ok: false, code, message: expect.stringMatching(message), ...('data' in reply ? { data: reply.data } : {}) } });
    }
    expect(await stack.poolSnapshot()).toBe(before);
  });

  it('replaces with a 10% higher price and reports a resubmission as already known', async () => {
    const first = await submit({ rawTx: raw(bob, { nonce: 0n, gasPrice: 10n * GWEI }) });
    expect(first.ok).toBe(true);
    expect(await submit({ rawTx: raw(bob, { nonce: 0n, gasPrice: 10n * GWEI }) })).toMatchObject({ ok: false, code: PoolErrorCode.AlreadyKnown, message: 'already known' });
    const second = await submit({ rawTx: raw(bob, { nonce: 0n, gasPrice: 11n * GWEI }) });
    expect(second.ok).toBe(true);
    expect(await stack.pool.get((first as { hash: string }).hash)).toMatchObject({ status: 'failed', reason: `replaced by ${(second as { hash: string }).hash}` });
  });

  it('admits a batch on pool.tx.submit_many with one reply per transaction, in order', async () => {
    const many = async (body: unknown) =>
      decode<PoolTxSubmitManyReply>((await stack.nc.request(stack.subjects.poolTxSubmitMany, encode(body), { timeout: 10_000 })).data);
    const carol = newAccount();
    const { replies } = await many({ rawTxs: [raw(bob, { nonce: 1n }), raw(carol), '0x00', raw(bob, { nonce: 2n })] });
    expect(replies.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['ok', PoolErrorCode.InsufficientFunds, PoolErrorCode.TxTypeNotSupported, 'ok']);
    expect((await stack.pool.senderPending(bob.address)).map((t) => t.nonce)).toEqual([0, 1, 2]);
    const before = await stack.poolSnapshot();
    expect((await many({ rawTxs: [] })).replies).toEqual([expect.objectContaining({ ok: false, code: PoolErrorCode.InvalidRlp })]);
    expect((await many({ rawTxs: Array(1001).fill('0x00') })).replies).toHaveLength(1);
    expect(await stack.poolSnapshot()).toBe(before);
  });

  it('rejects a transaction that alone runs out of counters (pre-execution) and admits a normal call', async () => {
    const before = await stack.poolSnapshot();
    const reply = await submit({ rawTx: raw(heavy, { to: fromHex(LOOP_ADDRESS), gasLimit: 1_000_000n, value: 0n }) });
    expect(reply).toMatchObject({ ok: false, code: PoolErrorCode.OutOfCounters, message: expect.stringMatching(/^out of counters/) });
    expect(await stack.poolSnapshot()).toBe(before);
    expect((await submit({ rawTx: raw(heavy, { gasLimit: 21_000n }) })).ok).toBe(true);
  });
});
