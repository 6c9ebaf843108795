// eth-tx-manager killed with SIGKILL between signing and broadcast and between broadcast and
// recording the receipt (ETHTXMAN_CRASH_AT), and an L1 reorg (evm_snapshot / evm_revert):
// no request lost, no duplicate on L1, no nonce gap.
import { type JsonRpcProvider } from 'ethers';
import { ensureStreams } from '@zkseq/messaging';
import { devAccount, startL1Node, type L1Node } from '@zkseq/contracts';
import { createWorld, eventually, type World } from './eth-tx-manager-harness';

let node: L1Node;
let provider: JsonRpcProvider;
const worlds: World[] = [];

beforeAll(async () => {
  node = await startL1Node({ blockTimeMs: 0 });
  provider = node.provider();
}, 60_000);

afterAll(async () => {
  for (const w of worlds) await w.close();
  provider?.destroy();
  await node?.stop();
});

/** Every transaction `from` sent, oldest first, read block by block. */
async function sentBy(from: string) {
  const txs = [];
  const head = await provider.getBlockNumber();
  for (let n = 0; n <= head; n++) {
    const block = (await provider.getBlock(n, true))!;
    for (const tx of block.prefetchedTransactions) if (tx.from === from) txs.push(tx);
  }
  return txs;
}

const REQUESTS = ['r1', 'r2', 'r3'];

async function crashAndRecover(point: 'after-sign' | 'after-broadcast', account: number) {
  const acc = devAccount(account);
  const w = await createWorld(node, acc.privateKey);
  worlds.push(w);
  await ensureStreams(w.nc, w.ns, { storage: 'memory' });
  for (const [i, id] of REQUESTS.entries()) await w.client.submit({ id, to: devAccount(12).address, data: `0x0${i + 1}`, value: String(i + 1) });

  const crashed = await w.runUntilDeath({ ETHTXMAN_CRASH_AT: point });
  expect(crashed.child.signalCode).toBe('SIGKILL');
  const [signed] = await w.attempts('r1');
  expect(signed.nonce).toBe(0);
  const onNode = await provider.getTransaction(signed.hash);
  if (point === 'after-sign') expect(onNode).toBeNull();
  else expect(onNode).not.toBeNull();
  // The receipt was not recorded by the crashed process.
  expect(await w.redis.hget(`${w.prefix}req:tester:r1`, 'status')).toBe('sending');

  await w.start();
  const results = [];
  for (const id of REQUESTS) results.push(await w.result(id));
  expect(results.map((r) => [r.status, r.nonce])).toEqual([['confirmed', 0], ['confirmed', 1], ['confirmed', 2]]);
  // The transaction signed before the crash is the one that landed.
  expect(results[0].txHash).toBe(signed.hash);
  const txs = await sentBy(acc.address);
  expect(txs.map((t) => [t.nonce, t.data, t.value])).toEqual([[0, '0x01', 1n], [1, '0x02', 2n], [2, '0x03', 3n]]);
  expect(await provider.getTransactionCount(acc.address)).toBe(3);
}

describe('eth-tx-manager crash safety', () => {
  it('recovers from kill -9 between signing and broadcast', async () => {
    await crashAndRecover('after-sign', 13);
  }, 90_000);

  it('recovers from kill -9 between broadcast and recording the receipt', async () => {
    await crashAndRecover('after-broadcast', 14);
  }, 90_000);

  it('loses nothing and duplicates nothing across repeated kill -9 at arbitrary moments', async () => {
    const acc = devAccount(16);
    const w = await createWorld(node, acc.privateKey);
    worlds.push(w);
    await ensureStreams(w.nc, w.ns, { storage: 'memory' });
    const ids = Array.from({ length: 8 }, (_, i) => `k${i}`);
    for (const [i, id] of ids.entries()) await w.client.submit({ id, to: devAccount(12).address, data: `0x${(i + 1).toString(16).padStart(2, '0')}` });
    for (let round = 0; round < 4; round++) {
      const p = w.spawn({ ETHTXMAN_MAX_IN_FLIGHT: '2' });
      await p.ready;
      // Kills during intake are safe too (unacknowledged messages come back), but only after
      // JetStream's 30 s ack wait: let the first process store every request to keep this test short.
      if (round === 0) await eventually(async () => ((await w.redis.keys(`${w.prefix}req:*`)).length === ids.length ? true : undefined), 'all requests stored');
      await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 250)));
      p.child.kill('SIGKILL');
      await p.exited;
    }
    await w.start();
    const results = [];
    for (const id of ids) results.push(await w.result(id));
    expect(results.every((r) => r.status === 'confirmed')).toBe(true);
    expect(results.map((r) => r.nonce).sort((a, b) => a! - b!)).toEqual(ids.map((_, i) => i));
    const txs = await sentBy(acc.address);
    expect(txs.map((t) => t.nonce)).toEqual(ids.map((_, i) => i));
    expect(txs.map((t) => t.data).sort()).toEqual(ids.map((_, i) => `0x${(i + 1).toString(16).padStart(2, '0')}`));
  }, 120_000);

  it('monitors a confirmed transaction again when an L1 reorg removes it, and gets it mined again', async () => {
    const acc = devAccount(15);
    const w = await createWorld(node, acc.privateKey, { ETHTXMAN_REORG_WATCH_BLOCKS: '100' });
    worlds.push(w);
    const p = await w.start();
    const snapshot = await node.rpc<string>('evm_snapshot');
    await w.client.submit({ id: 'reorged', to: devAccount(12).address, data: '0xabcd' });
    const first = await w.result('reorged');
    expect(first.status).toBe('confirmed');

    await node.rpc('evm_revert', [snapshot]);
    expect(await provider.getTransactionReceipt(first.txHash!)).toBeNull();
    // The new chain grows past the old block, with different blocks.
    await node.rpc('hardhat_mine', ['0x3']);

    const second = await w.client.waitForResult('reorged', { timeoutMs: 60_000, accept: (r) => r.blockHash !== first.blockHash });
    expect(second).toMatchObject({ status: 'confirmed', txHash: first.txHash, nonce: 0 });
    expect((await provider.getTransactionReceipt(second.txHash!))!.blockHash).toBe(second.blockHash);
    expect(await provider.getTransactionCount(acc.address)).toBe(1);
    expect((await sentBy(acc.address)).length).toBe(1);
    await eventually(async () => ((await p.metric('ethtxman_reorged_total')) >= 1 ? true : undefined), 'the reorg metric');
  }, 90_000);
});
