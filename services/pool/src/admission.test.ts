import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { ethRawTx, ethRawTxToBatchTx, fromHex, keccak256, privateKeyToAddress, SECP256K1_N, signTx, toHex, type TxFields } from '@zkseq/batch';
import { CodedError, PoolErrorCode } from '@zkseq/errors';
import { PoolDb, type Hex, type PoolLimits } from '@zkseq/pooldb';
import { HashDb, h4ToHex, MemoryBackend } from '@zkseq/smt';
import { AccountStateReader } from './account-state';
import { admit, type AdmissionDeps } from './admission';

const CHAIN_ID = 1001;
const GWEI = 1_000_000_000n;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefixes: string[] = [];

const keys = Array.from({ length: 6 }, () => randomBytes(32));
const addrOf = (k: Uint8Array) => toHex(privateKeyToAddress(k)) as Hex;
const [rich, poor, contractLike, nonce5, other, blocked] = keys.map(addrOf);
let root: Hex;

beforeAll(async () => {
  const hashdb = new HashDb(new MemoryBackend());
  const r = await hashdb.loadGenesis([
    { address: rich, balance: 10n ** 24n },
    { address: poor, balance: 21_000n * GWEI - 1n },
    { address: contractLike, balance: 10n ** 24n, code: Uint8Array.of(0x60, 0x00) },
    { address: nonce5, balance: 10n ** 24n, nonce: 5n },
    { address: other, balance: 10n ** 24n },
    { address: blocked, balance: 10n ** 24n },
  ]);
  root = h4ToHex(r) as Hex;
  hashdbForTests = hashdb;
});
let hashdbForTests: HashDb;

afterAll(async () => {
  for (const p of prefixes) {
    const found = await redis.keys(`${p}*`);
    if (found.length) await redis.del(...found);
  }
  redis.disconnect();
});

function setup(limits: Partial<PoolLimits> = {}): AdmissionDeps & { prefix: string } {
  const prefix = `t${randomBytes(4).toString('hex')}:pool:`;
  prefixes.push(prefix);
  return {
    prefix,
    pool: new PoolDb(redis, { prefix, limits, retentionSec: 600 }),
    accounts: new AccountStateReader(hashdbForTests, 1000),
    latestRoot: async () => root,
    rules: { chainId: CHAIN_ID, maxTxBytes: 100_132, maxDataBytes: 100_000, minGasPrice: GWEI },
  };
}

function fields(over: Partial<TxFields> = {}): TxFields {
  return { nonce: 0n, gasPrice: GWEI, gasLimit: 21_000n, to: fromHex('0x' + '11'.repeat(20)), value: 1n, data: new Uint8Array(0), chainId: BigInt(CHAIN_ID), ...over };
}

function signed(key: Uint8Array, over: Partial<TxFields> = {}): Hex {
  const tx = fields(over);
  return toHex(ethRawTx(tx, signTx(tx, key))) as Hex;
}

/** Content of every key under the prefix (DUMP would differ with Redis' internal rehashing). */
async function snapshot(prefix: string): Promise<string> {
  const found = (await redis.keys(`${prefix}*`)).sort();
  const parts: string[] = [];
  for (const k of found) {
    const type = await redis.type(k);
    const content =
      type === 'hash' ? Object.entries(await redis.hgetall(k)).sort()
        : type === 'zset' ? await redis.zrange(k, 0, -1, 'WITHSCORES')
          : (await redis.smembers(k)).sort();
    parts.push(`${k} ttl=${(await redis.ttl(k)) > 0} ${JSON.stringify(content)}`);
  }
  return parts.join('\n');
}

/** Expects a rejection with `code` whose message matches, and that the pool DB is unchanged by it. */
async function expectRejected(deps: AdmissionDeps & { prefix: string }, raw: string, code: PoolErrorCode, message: RegExp): Promise<CodedError> {
  const before = await snapshot(deps.prefix);
  let caught: unknown;
  try {
    await admit(raw, deps);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(CodedError);
  const err = caught as CodedError;
  expect({ code: err.code, message: err.message }).toEqual({ code, message: expect.stringMatching(message) });
  expect(await snapshot(deps.prefix)).toBe(before);
  return err;
}

describe('admission', () => {
  it('accepts an EIP-155 transaction and stores what the sequencer needs', async () => {
    const deps = setup();
    const raw = signed(keys[0], { value: 5n });
    const res = await admit(raw, deps);
    const hash = toHex(keccak256(fromHex(raw)));
    expect(res).toEqual({ hash, from: rich, nonce: 0, gasPrice: GWEI, replaced: null });
    expect(await deps.pool.get(hash)).toMatchObject({
      hash, from: rich, nonce: 0, gasPrice: GWEI, gasLimit: 21_000, value: 5n, chainId: CHAIN_ID, raw, status: 'pending',
      l2Data: toHex(ethRawTxToBatchTx(fromHex(raw))), size: fromHex(raw).length, dataSize: 0, intrinsicGas: 21_000,
    });
    await expectRejected(deps, raw, PoolErrorCode.AlreadyKnown, /^already known$/);
  });

  it('accepts a pre-EIP-155 transaction', async () => {
    const deps = setup();
    const res = await admit(signed(keys[0], { chainId: null }), deps);
    expect((await deps.pool.get(res.hash))?.chainId).toBeNull();
  });

  it('rejects what is not a legacy transaction or not RLP', async () => {
    const deps = setup();
    const legacy = fromHex(signed(keys[0]));
    const typed = toHex(Uint8Array.of(2, ...legacy));
    const err = await expectRejected(deps, typed, PoolErrorCode.TxTypeNotSupported, /^transaction type not supported$/);
    expect(err.data).toMatchObject({ type: 2 });
    await expectRejected(deps, toHex(legacy.subarray(0, legacy.length - 3)), PoolErrorCode.InvalidRlp, /^invalid rlp: /);
    await expectRejected(deps, '0xzz', PoolErrorCode.InvalidRlp, /hex/);
    await expectRejected(deps, '0x', PoolErrorCode.InvalidRlp, /non-empty/);
  });

  it('rejects high-s and unrecoverable signatures', async () => {
    const deps = setup();
    const tx = fields();
    const sig = signTx(tx, keys[0]);
    const highS = toHex(ethRawTx(tx, { r: sig.r, s: SECP256K1_N - sig.s, v: sig.v === 27 ? 28 : 27 }));
    const e = await expectRejected(deps, highS, PoolErrorCode.InvalidSignature, /^invalid sender$/);
    expect(String((e.data as { detail: string }).detail)).toMatch(/upper half/);
    await expectRejected(deps, toHex(ethRawTx(tx, { r: 0n, s: sig.s, v: sig.v })), PoolErrorCode.InvalidSignature, /^invalid sender$/);
  });

  it('rejects a foreign chain id', async () => {
    const deps = setup();
    await expectRejected(deps, signed(keys[0], { chainId: 1n }), PoolErrorCode.InvalidChainId, /^invalid chain id for signer: have 1 want 1001$/);
  });

  it('enforces the encoded size and data size limits', async () => {
    const deps = setup();
    const gasFor = (n: number) => 21_000n + 16n * BigInt(n);
    const bigData = new Uint8Array(100_001).fill(1);
    await expectRejected(deps, signed(keys[0], { data: bigData, gasLimit: gasFor(100_001) }), PoolErrorCode.OversizedData, /^oversized data: data size 100001, limit 100000$/);
    const tooLong = fromHex(signed(keys[0], { data: new Uint8Array(100_000).fill(1), gasLimit: gasFor(100_000) }));
    const small = { ...deps, rules: { ...deps.rules, maxTxBytes: tooLong.length - 1 } };
    await expectRejected(small, toHex(tooLong), PoolErrorCode.OversizedData, new RegExp(`^oversized data: transaction size ${tooLong.length}, limit ${tooLong.length - 1}$`));
    await admit(toHex(tooLong), deps);
  });

  it('needs intrinsic gas ≤ gas limit ≤ 30M', async () => {
    const deps = setup();
    const data = Uint8Array.of(0, 1);
    await expectRejected(deps, signed(keys[0], { data, gasLimit: 21_019n }), PoolErrorCode.IntrinsicGas, /^intrinsic gas too low: gas 21019, minimum needed 21020$/);
    await expectRejected(deps, signed(keys[0], { to: null, gasLimit: 52_999n }), PoolErrorCode.IntrinsicGas, /minimum needed 53000$/);
    await expectRejected(deps, signed(keys[0], { gasLimit: 30_000_001n }), PoolErrorCode.GasLimitTooHigh, /^exceeds block gas limit/);
    await admit(signed(keys[0], { data, gasLimit: 21_020n }), deps);
    await admit(signed(keys[0], { nonce: 1n, gasLimit: 30_000_000n }), deps);
  });

  it('rejects prices below the minimum', async () => {
    const deps = setup();
    await expectRejected(deps, signed(keys[0], { gasPrice: GWEI - 1n }), PoolErrorCode.Underpriced, /^transaction underpriced: gas price 999999999, minimum needed 1000000000$/);
  });

  it('checks the nonce against the state and the nonce window', async () => {
    const deps = setup({ nonceWindow: 64 });
    await expectRejected(deps, signed(keys[3], { nonce: 4n }), PoolErrorCode.NonceTooLow, /^nonce too low: address 0x[0-9a-f]{40}, tx: 4 state: 5$/);
    await expectRejected(deps, signed(keys[3], { nonce: 69n }), PoolErrorCode.NonceTooHigh, /tx: 69 state: 5$/);
    await admit(signed(keys[3], { nonce: 68n }), deps);
    await admit(signed(keys[3], { nonce: 5n }), deps);
  });

  it('needs balance ≥ value + gas × price', async () => {
    const deps = setup();
    const err = await expectRejected(deps, signed(keys[1], { value: 0n }), PoolErrorCode.InsufficientFunds, /^insufficient funds for gas \* price \+ value/);
    expect(err.data).toMatchObject({ overshot: '1' });
    await expectRejected(deps, signed(keys[0], { value: 10n ** 24n }), PoolErrorCode.InsufficientFunds, /want 1000000000021000000000000$/);
  });

  it('refuses senders with code (EIP-3607) and blocked senders', async () => {
    const deps = setup();
    await expectRejected(deps, signed(keys[2]), PoolErrorCode.SenderNotEoa, /^sender not an eoa/);
    await deps.pool.blockSenders([blocked]);
    await expectRejected(deps, signed(keys[5]), PoolErrorCode.BlockedSender, /^blocked sender/);
  });

  it('replaces a pending transaction only with a 10% higher price', async () => {
    const deps = setup();
    const first = await admit(signed(keys[4], { gasPrice: 10n * GWEI }), deps);
    const err = await expectRejected(deps, signed(keys[4], { gasPrice: 11n * GWEI - 1n }), PoolErrorCode.ReplacementUnderpriced, /^replacement transaction underpriced$/);
    expect(err.data).toEqual({ existing: first.hash, existingGasPrice: (10n * GWEI).toString(), minGasPrice: (11n * GWEI).toString() });
    const second = await admit(signed(keys[4], { gasPrice: 11n * GWEI }), deps);
    expect(second.replaced).toBe(first.hash);
    expect((await deps.pool.get(first.hash))?.status).toBe('failed');
  });

  it('applies per-account and global limits', async () => {
    const deps = setup({ accountPending: 2, accountQueued: 1, globalPending: 3, globalQueued: 5 });
    await admit(signed(keys[0], { nonce: 0n }), deps);
    await admit(signed(keys[0], { nonce: 1n }), deps);
    await expectRejected(deps, signed(keys[0], { nonce: 2n }), PoolErrorCode.AccountLimit, /^account limit exceeded$/);
    await admit(signed(keys[0], { nonce: 10n }), deps);
    await expectRejected(deps, signed(keys[0], { nonce: 11n }), PoolErrorCode.AccountLimit, /^account limit exceeded$/);
    await admit(signed(keys[4], { nonce: 0n }), deps);
    await expectRejected(deps, signed(keys[4], { nonce: 1n }), PoolErrorCode.PoolFull, /^txpool is full$/);
    expect(await deps.pool.counts()).toEqual({ pending: 3, queued: 1 });
  });

  it('refuses to admit before genesis', async () => {
    const deps = { ...setup(), latestRoot: async () => null };
    await expectRejected(deps, signed(keys[0]), PoolErrorCode.Unavailable, /no genesis/);
  });
});
