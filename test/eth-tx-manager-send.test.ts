// eth-tx-manager as a real process against a hardhat node, NATS and Redis: sending and
// confirmation depth, idempotency, replacement of a stuck transaction, a nonce taken by an
// outside sender, and the classified failures.
import { Wallet, type JsonRpcProvider } from 'ethers';
import { L1TxErrorCode } from '@zkseq/errors';
import { ensureStreams, publishDurable, subjects } from '@zkseq/messaging';
import { ZERO_HASH, deploySystem, devAccount, encodeSequenceBatches, contractAt, startL1Node, type DeployedSystem, type L1Node } from '@zkseq/contracts';
import { createWorld, eventually, type World } from './eth-tx-manager-harness';

let node: L1Node;
let provider: JsonRpcProvider;
let system: DeployedSystem;
const worlds: World[] = [];
const SEQUENCER = devAccount(4);

beforeAll(async () => {
  node = await startL1Node({ blockTimeMs: 0 });
  provider = node.provider();
  system = await deploySystem({ deployer: new Wallet(devAccount(0).privateKey, provider), trustedSequencer: SEQUENCER.address, l2ChainId: 1001n, batchFee: 0n });
}, 60_000);

afterAll(async () => {
  for (const w of worlds) await w.close();
  provider?.destroy();
  await node?.stop();
});

async function world(key: string, env: Record<string, string> = {}): Promise<World> {
  const w = await createWorld(node, key, env);
  worlds.push(w);
  return w;
}

async function sequenceData(n: number): Promise<`0x${string}`> {
  const ts = BigInt((await provider.getBlock('latest'))!.timestamp);
  return encodeSequenceBatches(Array.from({ length: n }, () => ({ transactions: '0x0102', globalExitRoot: ZERO_HASH, timestamp: ts, minForcedTimestamp: 0n })), SEQUENCER.address);
}

const status = (w: World, id: string) => w.redis.hget(`${w.prefix}req:tester:${id}`, 'status');

describe('eth-tx-manager', () => {
  it('sends sequenceBatches, follows it to the confirmation depth and reports it', async () => {
    const w = await world(SEQUENCER.privateKey, { ETHTXMAN_CONFIRMATIONS: '2' });
    const p = await w.start();
    await w.client.submit({ id: 'sequence-from-1-to-3', to: system.rollup, data: await sequenceData(3) });

    // Mined at depth 1: no result yet, until one more block arrives.
    await eventually(async () => ((await status(w, 'sequence-from-1-to-3')) === 'mined' ? true : undefined), 'the transaction to be mined');
    expect(await p.metric('ethtxman_results_total')).toBe(0);
    await node.rpc('evm_mine');

    const r = await w.result('sequence-from-1-to-3');
    expect(r).toMatchObject({ owner: 'tester', id: 'sequence-from-1-to-3', status: 'confirmed', nonce: 0 });
    const receipt = (await provider.getTransactionReceipt(r.txHash!))!;
    expect(receipt.status).toBe(1);
    expect(receipt.from).toBe(SEQUENCER.address);
    expect(receipt.blockHash).toBe(r.blockHash);
    expect(r.gasUsed).toBe(receipt.gasUsed.toString());
    expect(await contractAt('ZkEvmRollup', system.rollup, null).connect(provider).getFunction('lastBatchSequenced')()).toBe(3n);
    // Gas was estimated with a margin.
    const tx = (await provider.getTransaction(r.txHash!))!;
    expect(tx.gasLimit).toBeGreaterThan(receipt.gasUsed);
    expect(await p.metric('ethtxman_confirmation_latency_seconds_count')).toBe(1);
    expect(await p.metric('ethtxman_fees_paid_gwei_total')).toBeGreaterThan(0);
    expect(await p.metric('ethtxman_in_flight')).toBe(0);
  }, 60_000);

  it('treats a repeated request id as a no-op, before and after confirmation', async () => {
    const acc = devAccount(5);
    const w = await world(acc.privateKey);
    const p = await w.start();
    const req = { owner: 'tester', id: 'dup-1', to: devAccount(9).address, data: '0x', value: '1' };
    // Distinct JetStream message ids, so the repeats reach the service instead of being dropped by the stream.
    await publishDurable(w.nc.jetstream(), subjects(w.ns).l1TxRequest, req, 'a');
    await publishDurable(w.nc.jetstream(), subjects(w.ns).l1TxRequest, { ...req, value: '2' }, 'b');
    const r = await w.result('dup-1');
    expect(r.status).toBe('confirmed');
    await publishDurable(w.nc.jetstream(), subjects(w.ns).l1TxRequest, req, 'c');
    await eventually(async () => ((await p.metric('ethtxman_requests_total', { outcome: 'duplicate' })) >= 2 ? true : undefined), 'both repeats to be seen');
    expect(await p.metric('ethtxman_requests_total', { outcome: 'accepted' })).toBe(1);
    expect(await provider.getTransactionCount(acc.address)).toBe(1);
    expect((await provider.getTransaction(r.txHash!))!.value).toBe(1n);
  }, 60_000);

  it('replaces a transaction that is not mined in time with a higher fee, and one of the replacements is mined', async () => {
    const acc = devAccount(6);
    const w = await world(acc.privateKey, { ETHTXMAN_RESEND_AFTER_MS: '300' });
    const p = await w.start();
    await node.rpc('evm_setAutomine', [false]);
    try {
      await w.client.submit({ id: 'stuck', to: devAccount(9).address, data: '0x' });
      const attempts = await eventually(async () => {
        const a = await w.attempts('stuck');
        return a.length >= 3 ? a : undefined;
      }, 'two replacements');
      for (let i = 1; i < attempts.length; i++) {
        expect(BigInt(attempts[i].maxFeePerGas) * 100n).toBeGreaterThanOrEqual(BigInt(attempts[i - 1].maxFeePerGas) * 110n);
        expect(BigInt(attempts[i].maxPriorityFeePerGas) * 100n).toBeGreaterThanOrEqual(BigInt(attempts[i - 1].maxPriorityFeePerGas) * 110n);
        expect(attempts[i].nonce).toBe(attempts[0].nonce);
      }
      await node.rpc('evm_mine');
    } finally {
      await node.rpc('evm_setAutomine', [true]);
    }
    const r = await w.result('stuck');
    expect(r.status).toBe('confirmed');
    const all = await w.attempts('stuck');
    const mined = all.findIndex((a) => a.hash === r.txHash);
    expect(mined).toBeGreaterThan(0);
    expect(await provider.getTransactionCount(acc.address)).toBe(1);
    expect(await p.metric('ethtxman_replacements_total')).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('moves a request to a new nonce when an outside sender of the same account took its nonce', async () => {
    const acc = devAccount(7);
    const w = await world(acc.privateKey);
    const p = await w.start();
    const outsider = new Wallet(acc.privateKey, provider);
    await node.rpc('evm_setAutomine', [false]);
    try {
      await w.client.submit({ id: 'victim', to: devAccount(9).address, data: '0x', value: '7' });
      const [ours] = await eventually(async () => {
        const a = await w.attempts('victim');
        return a.length >= 1 && (await provider.getTransaction(a[0].hash)) ? a : undefined;
      }, 'the first attempt to be broadcast');
      // Same nonce, far higher fee: the node replaces ours with it.
      const theirs = await outsider.sendTransaction({ to: devAccount(10).address, value: 1n, nonce: ours.nonce, maxFeePerGas: BigInt(ours.maxFeePerGas) * 3n, maxPriorityFeePerGas: BigInt(ours.maxPriorityFeePerGas) * 3n });
      await node.rpc('evm_mine');
      expect((await provider.getTransactionReceipt(theirs.hash))!.status).toBe(1);
      // Broadcast, not only recorded: re-enabling automine does not mine what is already pending.
      await eventually(async () => {
        const moved = (await w.attempts('victim')).find((a) => a.nonce === ours.nonce + 1);
        return moved && (await provider.getTransaction(moved.hash)) ? true : undefined;
      }, 'the request to move to the next nonce');
      await node.rpc('evm_mine');
    } finally {
      await node.rpc('evm_setAutomine', [true]);
    }
    const r = await w.result('victim');
    expect(r).toMatchObject({ status: 'confirmed', nonce: 1 });
    expect((await provider.getTransaction(r.txHash!))!.value).toBe(7n);
    expect(await provider.getTransactionCount(acc.address)).toBe(2);
    expect(await p.metric('ethtxman_failures_total', { reason: 'nonce_taken' })).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('reports a revert with its decoded reason, an unaffordable request and an invalid one, without using a nonce', async () => {
    const acc = devAccount(8);
    const w = await world(acc.privateKey);
    const p = await w.start();
    // acc is not the trusted sequencer.
    await w.client.submit({ id: 'not-sequencer', to: system.rollup, data: await sequenceData(1) });
    expect(await w.result('not-sequencer')).toMatchObject({ status: 'failed', error: { code: L1TxErrorCode.Reverted, message: 'execution reverted: OnlyTrustedSequencer()' } });

    await w.client.submit({ id: 'too-expensive', to: devAccount(9).address, data: '0x', value: (10n ** 30n).toString() });
    expect((await w.result('too-expensive')).error?.code).toBe(L1TxErrorCode.InsufficientFunds);

    await w.client.submit({ id: 'bad', to: 'nowhere' as `0x${string}`, data: '0x' });
    expect(await w.result('bad')).toMatchObject({ status: 'failed', error: { code: L1TxErrorCode.InvalidRequest } });

    // No nonce was used: the next request gets nonce 0.
    await w.client.submit({ id: 'fine', to: devAccount(9).address, data: '0x' });
    expect(await w.result('fine')).toMatchObject({ status: 'confirmed', nonce: 0 });
    expect(await p.metric('ethtxman_failures_total', { reason: 'reverted' })).toBe(1);
    expect(await p.metric('ethtxman_failures_total', { reason: 'insufficient_funds' })).toBe(1);
  }, 60_000);

  it('keeps running while L1 is unreachable and sends once it is back', async () => {
    const acc = devAccount(11);
    const w = await world(acc.privateKey, { ETHTXMAN_RPC_TIMEOUT_MS: '500', ETHTXMAN_MAX_BACKOFF_MS: '400' });
    // Point the service at a port where nothing listens; the streams exist before it starts.
    await ensureStreams(w.nc, w.ns, { storage: 'memory' });
    const { createServer } = await import('node:net');
    const proxy = createServer();
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as { port: number }).port;
    await new Promise<void>((r) => proxy.close(() => r()));
    const p = w.spawn({ L1_RPC_URL: `http://127.0.0.1:${port}` });
    // Not ready: it fails a few times, then a forwarder to the node comes up on that port.
    await eventually(async () => (p.logs.filter((l) => l.msg === 'L1 RPC unavailable').length >= 2 ? true : undefined), 'RPC failures to be logged');
    expect(p.logs.some((l) => l.msg === 'L1 account ready')).toBe(false);
    const forwarder = createServer((sock) => {
      const { connect } = require('node:net') as typeof import('node:net');
      const up = connect(node.port, '127.0.0.1');
      sock.pipe(up).pipe(sock);
      sock.on('error', () => up.destroy());
      up.on('error', () => sock.destroy());
    });
    await new Promise<void>((r) => forwarder.listen(port, '127.0.0.1', r));
    try {
      await p.ready;
      await w.client.submit({ id: 'after-outage', to: devAccount(9).address, data: '0x' });
      expect((await w.result('after-outage')).status).toBe('confirmed');
      expect(await p.metric('ethtxman_failures_total', { reason: 'rpc_unavailable' })).toBeGreaterThanOrEqual(2);
      expect(await p.metric('ethtxman_l1_rpc_up')).toBe(1);
    } finally {
      await w.close();
      worlds.splice(worlds.indexOf(w), 1);
      await new Promise<void>((r) => forwarder.close(() => r()));
    }
  }, 60_000);
});
