// Bad input against the running rpc + pool + hashdb processes: every case gets a JSON-RPC error
// object, the server stays up, and nothing reaches the pool DB.
import { randomBytes } from 'node:crypto';
import { ethRawTx, fromHex, signTx, toHex, SECP256K1_N, type TxFields } from '@zkseq/batch';
import { CHAIN_ID, GWEI, newAccount, Stack, startService, type ServiceProcess } from './rpc-harness';

const funded = newAccount();
const unfunded = newAccount();
const stack = new Stack();
let limited: ServiceProcess;

beforeAll(async () => {
  await stack.start({ genesis: [{ address: funded.address, balance: 10n ** 21n }], pool: true, rpc: true });
  limited = await startService(
    'rpc',
    {
      NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', NATS_NAMESPACE: stack.ns, HASHDB_URL: stack.hashdbProc.grpcAddress, RPC_EXECUTOR_ENABLED: 'false',
      STATE_REDIS_PREFIX: stack.statePrefix, POOL_REDIS_PREFIX: stack.poolPrefix, RPC_PORT: '0', RPC_RATE_LIMIT_PER_SEC: '1', RPC_RATE_LIMIT_BURST: '3',
    },
    'json-rpc listening',
  );
}, 120_000);

afterAll(async () => {
  await limited?.stop();
  await stack.stop();
}, 60_000);

type Reply = { status: number; text: string; body: unknown };

async function post(body: string | Buffer, url = stack.rpcUrl): Promise<Reply> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = `unparseable: ${text.slice(0, 100)}`;
  }
  return { status: res.status, text, body: parsed };
}

const call = (method: string, params: unknown) => JSON.stringify({ jsonrpc: '2.0', id: 7, method, params });

function signed(over: Partial<TxFields>, key = funded.key): string {
  const tx: TxFields = { nonce: 0n, gasPrice: GWEI, gasLimit: 21_000n, to: fromHex(unfunded.address), value: 1n, data: new Uint8Array(0), chainId: BigInt(CHAIN_ID), ...over };
  return toHex(ethRawTx(tx, signTx(tx, key)));
}

function expectError(r: Reply, code: number, message?: RegExp, id: unknown = 7): void {
  const body = r.body as { jsonrpc: string; id: unknown; error?: { code: number; message: string }; result?: unknown };
  expect({ jsonrpc: body?.jsonrpc, id: body?.id, code: body?.error?.code, hasResult: 'result' in (body ?? {}) }).toEqual({ jsonrpc: '2.0', id, code, hasResult: false });
  if (message) expect(body.error!.message).toMatch(message);
}

let poolBefore: string;
beforeAll(async () => {
  poolBefore = await stack.poolSnapshot();
});

describe('JSON-RPC bad input', () => {
  it('malformed JSON and malformed envelopes', async () => {
    expectError(await post('{"jsonrpc":"2.0","id":1,"method":'), -32700, /^parse error/, null);
    expectError(await post(''), -32700, undefined, null);
    expectError(await post(Buffer.from([0xff, 0xfe, 0x00, 0x7b])), -32700, undefined, null);
    expectError(await post('"just a string"'), -32600, undefined, null);
    expectError(await post('[]'), -32600, /empty batch/, null);
    expectError(await post(JSON.stringify({ jsonrpc: '1.0', id: 7, method: 'eth_chainId' })), -32600, /jsonrpc must be "2.0"/);
    expectError(await post(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 42 })), -32600, /method must be a string/);
    expectError(await post(JSON.stringify({ jsonrpc: '2.0', id: { a: 1 }, method: 'eth_chainId' })), -32600, /id must be/, null);
    expectError(await post('{"jsonrpc":"2.0","id":1e400,"method":"eth_chainId"}'), -32600, /id must be/, null);
    const mixed = await post(JSON.stringify([1, { jsonrpc: '2.0', id: 7, method: 'eth_chainId' }, null]));
    expect(mixed.body).toEqual([
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.any(String) } },
      { jsonrpc: '2.0', id: 7, result: `0x${CHAIN_ID.toString(16)}` },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.any(String) } },
    ]);
    const deep = await post(`${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    expect(Array.isArray(deep.body) || (deep.body as { error?: unknown }).error !== undefined).toBe(true);
  });

  it('unknown methods and wrong parameter types', async () => {
    expectError(await post(call('eth_doesNotExist', [])), -32601, /the method eth_doesNotExist does not exist/);
    expectError(await post(call('eth_getBalance', [42, 'latest'])), -32602, /invalid argument address/);
    expectError(await post(call('eth_getBalance', ['0x1234', 'latest'])), -32602, /20-byte address/);
    expectError(await post(call('eth_getBalance', { address: funded.address })), -32602, /non-array params/);
    expectError(await post(call('eth_getBalance', [funded.address, 'latest', 'extra'])), -32602, /too many arguments/);
    expectError(await post(call('eth_getBalance', [])), -32602, /missing value for required argument address/);
    expectError(await post(call('eth_getBlockByNumber', ['latest'])), -32602, /fullTransactions/);
    expectError(await post(call('eth_getBlockByNumber', ['0x01', false])), -32602, /leading zeros/);
    expectError(await post(call('eth_getBlockByNumber', [true, false])), -32602);
    expectError(await post(call('eth_getLogs', [{ topics: 'x' }])), -32602, /topics/);
    expectError(await post(call('eth_getStorageAt', [funded.address, `0x${'1'.repeat(65)}`, 'latest'])), -32602, /storage slot/);
    expectError(await post(call('eth_getFilterChanges', ['0x1234'])), -32000, /^filter not found$/);
    expectError(await post(call('eth_subscribe', ['newHeads'])), -32601, /notifications not supported/);
    expectError(await post(call('eth_call', [{ to: funded.address }, 'latest'])), -32000, /no executor configured/);
  });

  it('huge numbers', async () => {
    expectError(await post(call('eth_getBlockByNumber', [`0x${'f'.repeat(100)}`, false])), -32602, /256 bits/);
    expectError(await post(call('eth_getBlockByNumber', [`0x${'f'.repeat(20)}`, false])), -32602, /too large/);
    expectError(await post('{"jsonrpc":"2.0","id":7,"method":"eth_getBlockByNumber","params":[1e400,false]}'), -32602);
    expectError(await post(call('eth_getTransactionCount', [funded.address, '0x7fffffffffffffffffff'])), -32602, /too large/);
    expectError(await post(call('eth_getBalance', [funded.address, '0x1000000'])), -32000, /^header not found$/);
  });

  it('raw transactions: invalid RLP, wrong chain id, bad signature, typed envelopes, oversized', async () => {
    const send = async (raw: unknown) => post(call('eth_sendRawTransaction', [raw]));
    expectError(await send('0xdeadbeef'), -32602, /^invalid rlp/);
    expectError(await send('0x'), -32602, /invalid rlp|non-empty/);
    expectError(await send('not hex'), -32602, /0x-prefixed hex bytes/);
    expectError(await send(12345), -32602);
    expectError(await send(signed({ chainId: 1n })), -32000, /^invalid chain id for signer/);
    const tx: TxFields = { nonce: 0n, gasPrice: GWEI, gasLimit: 21_000n, to: fromHex(unfunded.address), value: 1n, data: new Uint8Array(0), chainId: BigInt(CHAIN_ID) };
    const sig = signTx(tx, funded.key);
    expectError(await send(toHex(ethRawTx(tx, { ...sig, s: SECP256K1_N - sig.s }))), -32000, /^invalid sender$/);
    expectError(await send(toHex(ethRawTx(tx, { ...sig, r: 0n }))), -32000, /^invalid sender$/);
    expectError(await send(`0x02${signed({}).slice(2)}`), -32000, /^transaction type not supported$/);
    expectError(await send(signed({ data: new Uint8Array(100_001), gasLimit: 500_000n })), -32000, /^oversized data/);
    expectError(await send(signed({ gasPrice: 1n })), -32000, /^transaction underpriced/);
  });

  it('random corruptions of a signed transaction are all rejected', async () => {
    const base = fromHex(signed({ value: 5n }, unfunded.key));
    const rejected = (r: Reply) => {
      const body = r.body as { id?: unknown; error?: { code?: unknown }; result?: unknown };
      return { id: body?.id, errorCode: typeof body?.error?.code, hasResult: body !== null && 'result' in body };
    };
    for (let round = 0; round < 15; round++) {
      const bodies = Array.from({ length: 20 }, (_, j) => {
        const i = round * 20 + j;
        const b = Buffer.from(base);
        if (i % 3 === 0) b[i % b.length] ^= 1 << (i % 8);
        else if (i % 3 === 1) b[(i * 7) % b.length] = randomBytes(1)[0];
        return call('eth_sendRawTransaction', [toHex(i % 3 === 2 ? b.subarray(0, (i * 13) % b.length) : b)]);
      });
      const replies = await Promise.all(bodies.map((b) => post(b)));
      for (const r of replies) expect(rejected(r)).toEqual({ id: 7, errorCode: 'number', hasResult: false });
    }
  });

  it('oversized bodies and batches', async () => {
    const big = await post(call('eth_sendRawTransaction', [`0x${'00'.repeat(3 * 1024 * 1024)}`]));
    expect(big.status).toBe(413);
    expectError(big, -32005, /request body too large/, null);
    const thousand = JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'eth_chainId' })));
    expectError(await post(thousand), -32005, /^batch too large: 1000 calls, limit 100$/, null);
    const hundred = await post(JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'eth_blockNumber' }))));
    expect((hundred.body as unknown[]).length).toBe(100);
  });

  it('a notification gets no reply; the per-IP rate limit answers -32005 with HTTP 429', async () => {
    const note = await post(JSON.stringify({ jsonrpc: '2.0', method: 'eth_chainId' }));
    expect({ status: note.status, text: note.text }).toEqual({ status: 200, text: '' });
    const url = `http://127.0.0.1:${limited.info.port as number}`;
    const replies: Reply[] = [];
    for (let i = 0; i < 5; i++) replies.push(await post(call('eth_chainId', []), url));
    const refused = replies.find((r) => r.status === 429);
    expect(refused).toBeDefined();
    expectError(refused!, -32005, /^rate limit exceeded$/, null);
  });

  it('the server is still up and the pool DB untouched', async () => {
    expect((await post(call('eth_chainId', []))).body).toEqual({ jsonrpc: '2.0', id: 7, result: `0x${CHAIN_ID.toString(16)}` });
    expect(stack.rpcProc!.child.exitCode).toBeNull();
    expect(await stack.poolSnapshot()).toBe(poolBefore);
  });
});
