// Real Ethereum clients against the running rpc + pool + sequencer + executor + hashdb processes:
// ethers v6 and viem read balance, nonce, code, storage and logs, call contracts, send transactions
// and wait for their receipts (the sequencer puts each in an L2 block of batch 1), poll filters
// and follow new heads over WebSocket.
import { JsonRpcProvider, Network, Wallet, WebSocketProvider, isCallException } from 'ethers';
import { createPublicClient, createWalletClient, defineChain, http, parseAbi, webSocket, type Hex as ViemHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import WebSocket from 'ws';
import { ethRawTx, fromHex, signTx, toHex, type TxFields } from '@zkseq/batch';
import { waitFor } from './harness/processes';
import { CHAIN_ID, COINBASE, GWEI, newAccount, Stack } from './rpc-harness';

const alice = newAccount();
const bob = newAccount();
const carol = newAccount();
const TOPIC = `0x${'ab'.repeat(32)}`;
/** Copies calldata word 0 to memory, emits it as LOG1(TOPIC), and returns it. */
const EMITTER_CODE = fromHex(`0x602060006000377f${TOPIC.slice(2)}60206000a160206000f3`);
const EMITTER = '0x00000000000000000000000000000000000e4177';
/** Always reverts with Error("nope"): selector, offset 0x20, length 4, "nope". */
const REVERTER_CODE = fromHex('0x6308c379a060e01b600052' + '6020600452' + '6004602452' + '636e6f706560e01b604452' + '60646000fd');
const REVERTER = '0x000000000000000000000000000000000000dead';
const STORE = '0x0000000000000000000000000000000000005707';

const stack = new Stack();
const chain = defineChain({ id: CHAIN_ID, name: 'zkseq devnet', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [] } } });
let provider: JsonRpcProvider;

beforeAll(async () => {
  await stack.start({
    genesis: [
      { address: alice.address, balance: 10n ** 21n },
      { address: bob.address, balance: 10n ** 21n },
      { address: carol.address, balance: 10n ** 21n },
      { address: EMITTER, code: EMITTER_CODE },
      { address: REVERTER, code: REVERTER_CODE },
      { address: STORE, code: Uint8Array.of(0x00), storage: new Map([[0n, 42n], [7n, 2n ** 200n]]) },
    ],
    executor: true,
    sequencer: true,
    pool: true,
    rpc: true,
  });
  // cacheTimeout -1: ethers otherwise reuses a receipt lookup's answer for 250 ms, and on a chain
  // that makes a block only per transaction (zkEVM fork 6) a "no receipt yet" answered just before
  // the block can then hide the block's receipt until a next block that may never come.
  provider = new JsonRpcProvider(stack.rpcUrl, Network.from(CHAIN_ID), { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
}, 120_000);

afterAll(async () => {
  provider?.destroy();
  await stack.stop();
}, 60_000);

/** Waits until the rpc reports `n` active eth_subscribe subscriptions, so a block produced next is seen. */
async function subscriptionsActive(n: number): Promise<void> {
  const line = stack.rpcProc!.logs.find((l) => l.includes('"msg":"ops endpoints listening"'))!;
  const url = `http://127.0.0.1:${(JSON.parse(line) as { metricsPort: number }).metricsPort}/metrics`;
  for (;;) {
    const text = await (await fetch(url)).text();
    const m = /^rpc_subscriptions\{[^}]*\} (\d+)/m.exec(text);
    if (m && Number(m[1]) >= n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ethers v6', () => {
  it('reads chain id, head, balance, nonce, code and storage', async () => {
    expect((await provider.getNetwork()).chainId).toBe(BigInt(CHAIN_ID));
    expect(await provider.getBalance(alice.address)).toBe(10n ** 21n);
    expect(await provider.getTransactionCount(alice.address)).toBe(0);
    expect(await provider.getCode(EMITTER)).toBe(toHex(EMITTER_CODE));
    expect(await provider.getCode(alice.address)).toBe('0x');
    expect(BigInt(await provider.getStorage(STORE, 0))).toBe(42n);
    expect(BigInt(await provider.getStorage(STORE, 7))).toBe(2n ** 200n);
    const genesis = await provider.getBlock(0);
    expect(genesis).toMatchObject({ number: 0, hash: expect.stringMatching(/^0x[0-9a-f]{64}$/), miner: expect.stringMatching(/^0x/i) });
    expect(genesis!.baseFeePerGas).toBeNull();
  });

  it('calls contracts: return data and revert reasons', async () => {
    const word = `0x${'00'.repeat(31)}2a`;
    expect(await provider.call({ to: EMITTER, data: word })).toBe(word);
    let caught: unknown;
    try {
      await provider.call({ to: REVERTER, data: '0x' });
    } catch (err) {
      caught = err;
    }
    expect(isCallException(caught)).toBe(true);
    expect((caught as { reason: string }).reason).toBe('nope');
  });

  it('sends a transfer and a contract call, waits for receipts, and finds the logs', async () => {
    const wallet = new Wallet(toHex(alice.key), provider);
    const transfer = await wallet.sendTransaction({ to: bob.address, value: 1000n });
    expect(transfer.type).toBe(0);
    const receipt = await transfer.wait();
    expect(receipt).toMatchObject({ status: 1, from: expect.stringMatching(new RegExp(alice.address, 'i')), blockNumber: expect.any(Number) });
    expect(await provider.getBalance(bob.address)).toBe(10n ** 21n + 1000n);
    expect(await provider.getTransactionCount(alice.address)).toBe(1);

    const word = `0x${'00'.repeat(31)}07`;
    const call = await wallet.sendTransaction({ to: EMITTER, data: word });
    const callReceipt = (await call.wait())!;
    expect(callReceipt.logs).toHaveLength(1);
    expect(callReceipt.logs[0]).toMatchObject({ address: expect.stringMatching(new RegExp(EMITTER, 'i')), topics: [TOPIC], data: word });
    const logs = await provider.getLogs({ address: EMITTER, topics: [TOPIC], fromBlock: 0, toBlock: 'latest' });
    expect(logs.map((l) => l.transactionHash)).toContain(call.hash);
    expect(await provider.getLogs({ address: EMITTER, topics: [`0x${'cd'.repeat(32)}`], fromBlock: 0 })).toEqual([]);

    const tx = await provider.getTransaction(call.hash);
    expect(tx).toMatchObject({ hash: call.hash, blockNumber: callReceipt.blockNumber, nonce: 1, data: word });
    const block = await provider.getBlock(callReceipt.blockNumber, true);
    expect(block!.transactions).toEqual([call.hash]);
    expect(block!.prefetchedTransactions[0].hash).toBe(call.hash);
  });

  it('reports pool errors as ethers errors', async () => {
    const wallet = new Wallet(toHex(alice.key), provider);
    const signedLow = await wallet.signTransaction({ to: bob.address, value: 1n, nonce: 0, gasLimit: 21_000, gasPrice: GWEI, chainId: CHAIN_ID, type: 0 });
    await expect(provider.broadcastTransaction(signedLow)).rejects.toMatchObject({ code: 'NONCE_EXPIRED' });
  });

  it('follows new heads over WebSocket', async () => {
    const ws = new WebSocketProvider(stack.wsUrl, Network.from(CHAIN_ID), { staticNetwork: true });
    try {
      const start = await ws.getBlockNumber();
      const seen = new Promise<number>((resolve) => {
        void ws.on('block', (n: number) => {
          if (n > start) resolve(n);
        });
      });
      await subscriptionsActive(1);
      const wallet = new Wallet(toHex(carol.key), provider);
      const sent = await wallet.sendTransaction({ to: bob.address, value: 1n });
      const receipt = (await sent.wait())!;
      expect(await seen).toBeGreaterThan(start);
      expect(receipt.blockNumber).toBeGreaterThan(start);
    } finally {
      await ws.destroy();
    }
  });
});

describe('viem', () => {
  const client = () => createPublicClient({ chain, transport: http(stack.rpcUrl) });

  it('reads balance, nonce, code and storage', async () => {
    const c = client();
    expect(await c.getChainId()).toBe(CHAIN_ID);
    expect(await c.getBalance({ address: carol.address as ViemHex })).toBeLessThan(10n ** 21n);
    expect(await c.getBytecode({ address: EMITTER as ViemHex })).toBe(toHex(EMITTER_CODE));
    expect(await c.getStorageAt({ address: STORE as ViemHex, slot: '0x0' })).toBe(`0x${(42).toString(16).padStart(64, '0')}`);
    expect(await c.getTransactionCount({ address: bob.address as ViemHex })).toBe(0);
  });

  it('sends a transaction, waits for the receipt, reads logs and polls filters', async () => {
    const c = client();
    const account = privateKeyToAccount(toHex(bob.key) as ViemHex);
    const wallet = createWalletClient({ account, chain, transport: http(stack.rpcUrl) });
    const blockFilter = await c.createBlockFilter();
    const eventFilter = await c.createEventFilter({ address: EMITTER as ViemHex, event: parseAbi(['event Any(uint256 value)'])[0] });

    const hash = await wallet.sendTransaction({ to: EMITTER as ViemHex, data: `0x${'00'.repeat(31)}09` });
    const receipt = await c.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    expect(receipt.status).toBe('success');
    expect(receipt.logs[0].topics[0]).toBe(TOPIC);
    expect(await c.getTransactionCount({ address: bob.address as ViemHex })).toBe(1);

    const logs = await c.getLogs({ address: EMITTER as ViemHex, fromBlock: 0n });
    expect(logs.map((l) => l.transactionHash)).toContain(hash);
    expect(await c.getFilterChanges({ filter: blockFilter })).toContain(receipt.blockHash);
    expect(await c.getFilterChanges({ filter: blockFilter })).toEqual([]);
    // The event filter matches on the address; its topic (an ABI event) differs from TOPIC.
    expect(await c.getFilterChanges({ filter: eventFilter })).toEqual([]);
    expect(await c.uninstallFilter({ filter: blockFilter })).toBe(true);
    const estimate = await c.estimateGas({ account: bob.address as ViemHex, to: EMITTER as ViemHex, data: `0x${'00'.repeat(31)}09` });
    expect(estimate).toBeGreaterThanOrEqual(receipt.gasUsed);
  });

  it('watches blocks over WebSocket', async () => {
    const ws = createPublicClient({ chain, transport: webSocket(stack.wsUrl) });
    const next = new Promise<bigint>((resolve) => {
      const unwatch = ws.watchBlockNumber({
        emitOnBegin: false,
        onBlockNumber: (n) => {
          unwatch();
          resolve(n);
        },
      });
    });
    await subscriptionsActive(1);
    const before = await ws.getBlockNumber();
    const account = privateKeyToAccount(toHex(carol.key) as ViemHex);
    const wallet = createWalletClient({ account, chain, transport: http(stack.rpcUrl) });
    await wallet.sendTransaction({ to: alice.address as ViemHex, value: 5n });
    expect(await next).toBeGreaterThan(before);
    await (await ws.transport.getRpcClient()).close();
  });
});

describe('eth_subscribe over a raw WebSocket', () => {
  it('notifies matching logs, ignores others, and stops after eth_unsubscribe', async () => {
    const ws = new WebSocket(stack.wsUrl);
    const inbox: { id?: number; result?: unknown; method?: string; params?: { subscription: string; result: Record<string, unknown> } }[] = [];
    const waiters: (() => void)[] = [];
    ws.on('message', (d) => {
      inbox.push(JSON.parse(d.toString()) as (typeof inbox)[number]);
      waiters.splice(0).forEach((w) => w());
    });
    await new Promise((r) => ws.once('open', r));
    const next = async (pred: (m: (typeof inbox)[number]) => boolean) => {
      for (;;) {
        const i = inbox.findIndex(pred);
        if (i >= 0) return inbox.splice(i, 1)[0];
        await new Promise<void>((r) => waiters.push(r));
      }
    };
    const request = async (id: number, method: string, params: unknown[]) => {
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
      return (await next((m) => m.id === id)).result;
    };
    try {
      const logsSub = (await request(1, 'eth_subscribe', ['logs', { address: EMITTER, topics: [TOPIC] }])) as string;
      const otherSub = (await request(2, 'eth_subscribe', ['logs', { address: REVERTER }])) as string;
      expect(logsSub).toMatch(/^0x[0-9a-f]{32}$/);
      const wallet = new Wallet(toHex(carol.key), provider);
      const word = `0x${'00'.repeat(31)}33`;
      const sent = await wallet.sendTransaction({ to: EMITTER, data: word });
      const note = await next((m) => m.method === 'eth_subscription');
      expect(note.params).toEqual({ subscription: logsSub, result: expect.objectContaining({ transactionHash: sent.hash, topics: [TOPIC], data: word, removed: false }) });
      expect(await request(3, 'eth_unsubscribe', [logsSub])).toBe(true);
      expect(await request(4, 'eth_unsubscribe', [logsSub])).toBe(false);
      // Subscribed last, newHeads is notified after any logs subscription for the same block.
      const headsSub = (await request(5, 'eth_subscribe', ['newHeads'])) as string;
      const again = await wallet.sendTransaction({ to: EMITTER, data: word });
      const receipt = (await again.wait())!;
      const head = await next((m) => m.params?.subscription === headsSub && m.params.result.number === `0x${receipt.blockNumber.toString(16)}`);
      expect(head.params!.result).toMatchObject({ hash: receipt.blockHash, parentHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
      expect(inbox.filter((m) => m.method === 'eth_subscription' && m.params?.subscription !== headsSub)).toEqual([]);
      expect(otherSub).not.toBe(logsSub);
    } finally {
      ws.close();
    }
  });
});

describe('pending transactions and zkevm_ methods', () => {
  it('shows a pooled transaction as pending until it is in a block, and the pending nonce', async () => {
    stack.pauseSequencer();
    const nonce = BigInt(await provider.getTransactionCount(alice.address));
    const tx: TxFields = { nonce, gasPrice: GWEI, gasLimit: 21_000n, to: fromHex(carol.address), value: 3n, data: new Uint8Array(0), chainId: BigInt(CHAIN_ID) };
    const raw = toHex(ethRawTx(tx, signTx(tx, alice.key)));
    const hash = (await stack.rpc('eth_sendRawTransaction', [raw])).result as string;
    expect((await stack.rpc('eth_getTransactionByHash', [hash])).result).toMatchObject({ hash, blockNumber: null, nonce: `0x${nonce.toString(16)}`, value: '0x3' });
    expect((await stack.rpc('eth_getTransactionReceipt', [hash])).result).toBeNull();
    expect((await stack.rpc('eth_getTransactionCount', [alice.address, 'pending'])).result).toBe(`0x${(nonce + 1n).toString(16)}`);
    expect((await stack.rpc('eth_getTransactionCount', [alice.address, 'latest'])).result).toBe(`0x${nonce.toString(16)}`);
    stack.resumeSequencer();
    // Polled: ethers' waitForTransaction once did not return within the test's 5 s here, where
    // this poll saw the receipt after ~0.2 s.
    await waitFor(async () => (await stack.rpc('eth_getTransactionReceipt', [hash])).result ?? undefined, 'the receipt', 4_000, 50);
    expect((await stack.rpc('eth_getTransactionByHash', [hash])).result).toMatchObject({ hash, blockNumber: expect.stringMatching(/^0x[1-9a-f]/) });
  });

  it('answers the zkevm_ batch methods from the StateDB', async () => {
    const head = Number((await stack.rpc('eth_blockNumber')).result);
    expect((await stack.rpc('zkevm_batchNumber')).result).toBe('0x1');
    expect((await stack.rpc('zkevm_batchNumberByBlockNumber', [`0x${head.toString(16)}`])).result).toBe('0x1');
    expect((await stack.rpc('zkevm_isBlockVirtualized', [`0x${head.toString(16)}`])).result).toBe(false);
    const open = (await stack.rpc('zkevm_getBatchByNumber', ['0x1'])).result as Record<string, unknown>;
    expect(open).toMatchObject({ number: '0x1', coinbase: COINBASE, closed: false });
    expect((open.transactions as string[]).length).toBe(head);

    // Closing batch 1 (on its timeout) and marking it virtual (once sequenced on L1) are the
    // sequencer's and the synchronizer's writes; this stack has no L1, so with the sequencer
    // stopped the test writes them, and checks how the rpc reports them.
    await stack.sequencerProc!.stop();
    const batch = (await stack.state.getBatch(1))!;
    await stack.state.closeBatch(1, { stateRoot: batch.stateRoot, localExitRoot: batch.localExitRoot, resources: batch.resources, accInputHash: `0x${'11'.repeat(32)}`, closingReason: 'test' });
    await stack.state.markVirtual(1, 123, `0x${'22'.repeat(32)}`);
    expect((await stack.rpc('zkevm_virtualBatchNumber')).result).toBe('0x1');
    expect((await stack.rpc('zkevm_isBlockVirtualized', [`0x${head.toString(16)}`])).result).toBe(true);
    const closed = (await stack.rpc('zkevm_getBatchByNumber', ['latest', true])).result as Record<string, unknown>;
    expect(closed).toMatchObject({ closed: true, accInputHash: `0x${'11'.repeat(32)}`, sendSequencesTxHash: `0x${'22'.repeat(32)}`, batchL2Data: batch.batchL2Data });
    expect((closed.transactions as { hash: string }[])[0]).toMatchObject({ blockNumber: '0x1' });
    expect((await stack.rpc('zkevm_getBatchByNumber', ['0x63'])).result).toBeNull();
  });
});
