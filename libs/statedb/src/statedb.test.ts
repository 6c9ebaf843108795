import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { StateDb, StateDbError } from './statedb';
import type { Hex, StoredBlock, StoredTx } from './types';

const prefix = `t${randomBytes(4).toString('hex')}:state:`;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: false });
const db = new StateDb(redis, { prefix, maxLogBlockRange: 100 });

const h = (n: number | string, bytes = 32) => `0x${n.toString(16).padStart(bytes * 2, '0')}` as Hex;
const addr = (n: number) => h(n, 20);
const zero = h(0);

function block(n: number, txHash: Hex, batchNumber: number): StoredBlock {
  return {
    number: n, hash: h(1000 + n), parentHash: h(999 + n), stateRoot: h(5000 + n), transactionsRoot: zero, receiptsRoot: zero,
    logsBloom: h(0, 256), miner: addr(9), gasLimit: '0x1c9c380', gasUsed: '0x5208', timestamp: 100, extraData: '0x', size: 500,
    batchNumber, transactions: n === 0 ? [] : [txHash],
  };
}

function tx(n: number, batchNumber: number, logs: StoredTx['receipt']['logs']): StoredTx {
  return {
    hash: h(7000 + n), from: addr(1), to: addr(2), nonce: h(n - 1, 1), gasPrice: '0x3b9aca00', gas: '0x5208', value: '0x1', input: '0x',
    v: '0x7f3', r: h(1), s: h(2), chainId: '0x3e8', raw: '0xf86e', effectivePercentage: 255, blockNumber: n, blockHash: h(1000 + n),
    batchNumber,
    receipt: { status: 1, gasUsed: '0x5208', cumulativeGasUsed: '0x5208', contractAddress: null, logs, logsBloom: h(0, 256), effectiveGasPrice: '0x3b9aca00', romError: null },
  };
}

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('StateDb', () => {
  it('keeps batches, blocks, txs and logs through their life cycle', async () => {
    expect(await db.getHeads()).toBeNull();
    expect(await db.getLatestBlock()).toBeNull();
    expect(await db.initGenesis({ stateRoot: h(5000), timestamp: 100, coinbase: addr(9), block: block(0, zero, 0) })).toBe(true);
    expect(await db.initGenesis({ stateRoot: h(1), timestamp: 1, coinbase: addr(9), block: block(0, zero, 0) })).toBe(false);

    await db.openBatch({ number: 1, coinbase: addr(9), timestamp: 100, globalExitRoot: zero, stateRoot: h(5000), localExitRoot: zero });
    await expect(db.openBatch({ number: 2, coinbase: addr(9), timestamp: 100, globalExitRoot: zero, stateRoot: h(5000), localExitRoot: zero }))
      .rejects.toThrow(/STATEDB_STATUS batch 1 is still open/);

    const log = (i: number, a: number, topic: number) => ({ address: addr(a), topics: [h(topic)], data: '0x' as Hex, logIndex: i });
    await db.appendBlock(1, block(1, h(7001), 1), tx(1, 1, [log(0, 3, 11)]), '0xaabb', { stateRoot: h(5001), localExitRoot: zero, resources: { gasUsed: 21000, bytes: 2, txCount: 1, counters: { steps: 10 } } });
    await db.appendBlock(1, block(2, h(7002), 1), tx(2, 1, [log(0, 4, 12), log(1, 3, 12)]), '0xcc', { stateRoot: h(5002), localExitRoot: zero, resources: { gasUsed: 42000, bytes: 3, txCount: 2, counters: { steps: 20 } } });
    // A replayed block is refused rather than written twice.
    await expect(db.appendBlock(1, block(2, h(7002), 1), tx(2, 1, []), '0xcc', { stateRoot: h(5002), localExitRoot: zero, resources: { gasUsed: 0, bytes: 0, txCount: 0, counters: {} } }))
      .rejects.toThrow(/STATEDB_SEQUENCE block 2 is not next/);

    let b1 = await db.getBatch(1);
    expect(b1).toMatchObject({ status: 'open', stateRoot: h(5002), batchL2Data: '0xaabbcc', resources: { txCount: 2, counters: { steps: 20 } }, accInputHash: null });
    expect(await db.getBatchTxHashes(1)).toEqual([h(7001), h(7002)]);

    await db.closeBatch(1, { stateRoot: h(5002), localExitRoot: zero, resources: b1!.resources, accInputHash: h(42), closingReason: 'timeout' });
    b1 = await db.getBatch(1);
    expect(b1).toMatchObject({ status: 'closed', accInputHash: h(42), closingReason: 'timeout' });
    expect(await db.getHeads()).toEqual({ lastBatch: 1, lastClosedBatch: 1, lastVirtualBatch: 0, lastVerifiedBatch: 0, lastBlock: 2, lastForcedBatch: 0 });

    expect(await db.getBlockNumberByHash(h(1002))).toBe(2);
    expect(await db.getLatestBlock()).toMatchObject({ number: 2, stateRoot: h(5002) });
    expect((await db.getTx(h(7002)))?.receipt.logs).toHaveLength(2);

    expect((await db.getLogs({ fromBlock: 0, toBlock: 10 })).map((l) => [l.blockNumber, l.logIndex])).toEqual([[1, 0], [2, 0], [2, 1]]);
    expect((await db.getLogs({ fromBlock: 0, toBlock: 10, addresses: [addr(3)] })).map((l) => l.blockNumber)).toEqual([1, 2]);
    expect((await db.getLogs({ fromBlock: 2, toBlock: 2, topics: [[h(12)]] })).length).toBe(2);
    expect((await db.getLogs({ fromBlock: 0, toBlock: 10, addresses: [addr(4)], topics: [[h(11)]] })).length).toBe(0);
    await expect(db.getLogs({ fromBlock: 0, toBlock: 1000 })).rejects.toThrow(RangeError);

    await db.setSequenceTx(1, 1, h(88));
    expect(await db.markVirtual(1, 50, h(88))).toBe(true);
    expect(await db.markVirtual(1, 50, h(88))).toBe(false);
    expect((await db.getBatch(1))?.status).toBe('virtual');
    await db.rollbackVirtual(0);
    expect(await db.getBatch(1)).toMatchObject({ status: 'closed', sendSequencesTxHash: null, virtualL1Block: null });
    expect((await db.getHeads())?.lastVirtualBatch).toBe(0);
  });
});

describe('StateDb halt flag and batch ranges', () => {
  const p2 = `t${randomBytes(4).toString('hex')}:state:`;
  const db2 = new StateDb(redis, { prefix: p2 });

  afterAll(async () => {
    const keys = await redis.keys(`${p2}*`);
    if (keys.length) await redis.del(...keys);
  });

  it('keeps the first halt until it is cleared', async () => {
    expect(await db2.getHalt()).toBeNull();
    const first = { source: 'synchronizer', reason: 'accInputHash differs', batchNumber: 7, l1BlockNumber: 40, at: 1 };
    expect(await db2.setHalt(first)).toBe(true);
    expect(await db2.setHalt({ ...first, reason: 'later', batchNumber: 8 })).toBe(false);
    expect(await db2.getHalt()).toEqual(first);
    await db2.clearHalt();
    expect(await db2.getHalt()).toBeNull();
  });

  it('reads a range of batches in one call, leaving out missing ones', async () => {
    await db2.initGenesis({ stateRoot: h(1), timestamp: 10, coinbase: addr(9), block: block(0, zero, 0) });
    for (const n of [1, 2]) {
      await db2.openBatch({ number: n, coinbase: addr(9), timestamp: 10 + n, globalExitRoot: zero, stateRoot: h(1), localExitRoot: zero });
      await db2.closeBatch(n, { stateRoot: h(1), localExitRoot: zero, resources: { gasUsed: 0, bytes: 0, txCount: 0, counters: {} }, accInputHash: h(50 + n), closingReason: 'timeout' });
    }
    const got = await db2.getBatches(0, 5);
    expect(got.map((b) => [b.number, b.status, b.timestamp, b.batchL2Data])).toEqual([[0, 'virtual', 10, '0x'], [1, 'closed', 11, '0x'], [2, 'closed', 12, '0x']]);
    expect(await db2.getBatches(3, 2)).toEqual([]);
  });
});

describe('StateDb sequencer guards and forced batches', () => {
  const p3 = `t${randomBytes(4).toString('hex')}:state:`;
  const leaseKey = `${p3}lease:sequencer`;
  const plain = new StateDb(redis, { prefix: p3 });
  const progress = (root: number) => ({ stateRoot: h(root), localExitRoot: zero, resources: { gasUsed: 21000, bytes: 2, txCount: 1, counters: {} } });
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(StateDbError);
    return (err as StateDbError).kind;
  };

  afterAll(async () => {
    const keys = await redis.keys(`${p3}*`);
    if (keys.length) await redis.del(...keys);
  });

  it('refuses writes under a lease token that is no longer held, and every write while halted', async () => {
    await plain.initGenesis({ stateRoot: h(1), timestamp: 10, coinbase: addr(9), block: block(0, zero, 0) });
    await redis.set(leaseKey, 'token-a');
    const a = plain.withFence(leaseKey, 'token-a');
    const b = plain.withFence(leaseKey, 'token-b');
    const open = { number: 1, coinbase: addr(9), timestamp: 11, globalExitRoot: zero, stateRoot: h(1), localExitRoot: zero };
    expect(await refusal(b.openBatch(open))).toBe('FENCED');
    expect(await plain.getHeads()).toMatchObject({ lastBatch: 0 });
    await a.openBatch(open);
    await a.appendBlock(1, block(1, h(7001), 1), tx(1, 1, []), '0xaa', progress(5001));

    // A takeover: the lease now holds b's token; a's next append and close are refused, b's go through.
    await redis.set(leaseKey, 'token-b');
    expect(await refusal(a.appendBlock(1, block(2, h(7002), 1), tx(2, 1, []), '0xbb', progress(5002)))).toBe('FENCED');
    expect(await refusal(a.closeBatch(1, { ...progress(5001), accInputHash: h(3), closingReason: 'timeout' }))).toBe('FENCED');
    expect(await plain.getHeads()).toMatchObject({ lastBlock: 1, lastClosedBatch: 0 });
    await b.appendBlock(1, block(2, h(7002), 1), tx(2, 1, []), '0xbb', progress(5002));

    await plain.setHalt({ source: 'test', reason: 'reorg', batchNumber: 1, l1BlockNumber: 1, at: 1 });
    expect(await refusal(b.appendBlock(1, block(3, h(7003), 1), tx(3, 1, []), '0xcc', progress(5003)))).toBe('HALTED');
    expect(await refusal(b.closeBatch(1, { ...progress(5002), accInputHash: h(3), closingReason: 'timeout' }))).toBe('HALTED');
    await plain.clearHalt();

    // A replay is a SEQUENCE refusal, not a second write.
    expect(await refusal(b.appendBlock(1, block(2, h(7002), 1), tx(2, 1, []), '0xbb', progress(5002)))).toBe('SEQUENCE');
    await b.closeBatch(1, { ...progress(5002), accInputHash: h(3), closingReason: 'timeout' });
    expect(await refusal(b.closeBatch(1, { ...progress(5002), accInputHash: h(3), closingReason: 'timeout' }))).toBe('STATUS');
    expect(await plain.getBatch(1)).toMatchObject({ status: 'closed', batchL2Data: '0xaabb', stateRoot: h(5002) });
    expect(await plain.getBatchTxHashes(1)).toEqual([h(7001), h(7002)]);
  });

  it('keeps forced batches until one is sequenced, and a forced batch closes with its full L2 data', async () => {
    const fb = (n: number, seenAt: number) => ({ forceBatchNum: n, globalExitRoot: h(77), timestamp: 500, transactions: '0xdeadbeef' as Hex, l1BlockNumber: 9, seenAt });
    expect(await plain.putForcedBatch(fb(1, 1000))).toBe(true);
    expect(await plain.putForcedBatch(fb(2, 1001))).toBe(true);
    // Redelivered later: the first sighting (its deadline) is kept.
    expect(await plain.putForcedBatch(fb(1, 5000))).toBe(true);
    expect((await plain.getForcedBatches(0)).map((f) => [f.forceBatchNum, f.seenAt])).toEqual([[1, 1000], [2, 1001]]);

    await plain.openBatch({ number: 2, coinbase: addr(9), timestamp: 12, globalExitRoot: h(77), stateRoot: h(5002), localExitRoot: zero, forcedBatchNum: 1 });
    await plain.appendBlock(2, block(3, h(7003), 2), tx(3, 2, []), '0xdead', progress(5003));
    await plain.closeBatch(2, { ...progress(5003), accInputHash: h(4), closingReason: 'forced', batchL2Data: '0xdeadbeef' });
    expect(await plain.getBatch(2)).toMatchObject({ batchL2Data: '0xdeadbeef', forcedBatchNum: 1, closingReason: 'forced' });
    expect((await plain.getHeads())?.lastForcedBatch).toBe(1);
    expect((await plain.getForcedBatches(1)).map((f) => f.forceBatchNum)).toEqual([2]);
    expect(await plain.putForcedBatch(fb(1, 9000))).toBe(false);
  });

  it('appends several blocks in one write, all or none', async () => {
    const lb = (await plain.getHeads())!.lastBlock;
    await plain.openBatch({ number: 3, coinbase: addr(9), timestamp: 13, globalExitRoot: zero, stateRoot: h(5003), localExitRoot: zero });
    const log = { address: addr(5), topics: [h(99)], data: '0x' as Hex, logIndex: 0 };
    const entry = (n: number, logs: StoredTx['receipt']['logs'] = []) => ({ block: block(n, h(7000 + n), 3), tx: tx(n, 3, logs), batchL2Data: `0x0${n % 10}` as Hex });
    // A gap in the middle: nothing of the call is written.
    const refused = await plain.appendBlocks(3, [entry(lb + 1), entry(lb + 3)], progress(6000)).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(StateDbError);
    expect(await plain.getBlock(lb + 1)).toBeNull();
    await plain.appendBlocks(3, [entry(lb + 1), entry(lb + 2, [log]), entry(lb + 3)], { ...progress(6003), resources: { gasUsed: 63000, bytes: 3, txCount: 3, counters: {} } });
    expect((await plain.getHeads())!.lastBlock).toBe(lb + 3);
    expect(await plain.getBatchTxHashes(3)).toEqual([h(7000 + lb + 1), h(7000 + lb + 2), h(7000 + lb + 3)]);
    expect(await plain.getBatch(3)).toMatchObject({ stateRoot: h(6003), resources: { txCount: 3 }, batchL2Data: `0x0${(lb + 1) % 10}0${(lb + 2) % 10}0${(lb + 3) % 10}` });
    expect((await plain.getLogs({ fromBlock: lb + 1, toBlock: lb + 3, addresses: [addr(5)] })).map((l) => l.blockNumber)).toEqual([lb + 2]);
    // An all-zero bloom is stored as 0x and read back whole; any other bloom is stored as it is.
    expect(await redis.get(`${p3}block:${lb + 1}`)).toContain('"logsBloom":"0x"');
    expect((await plain.getBlock(lb + 1))?.logsBloom).toBe(h(0, 256));
    expect((await plain.getTx(h(7000 + lb + 1)))?.receipt.logsBloom).toBe(h(0, 256));
    expect((await plain.getLatestBlock())?.logsBloom).toBe(h(0, 256));
    const bloom = h(1, 256);
    await plain.appendBlocks(3, [{ block: { ...block(lb + 4, h(7000 + lb + 4), 3), logsBloom: bloom }, tx: tx(lb + 4, 3, []), batchL2Data: '0x' }], progress(6004));
    expect((await plain.getBlock(lb + 4))?.logsBloom).toBe(bloom);
  });

  it('keeps the latest global exit root', async () => {
    expect(await plain.getLatestGer()).toBeNull();
    await plain.setLatestGer({ globalExitRoot: h(5), timestamp: 100, seenAt: 2 });
    expect(await plain.getLatestGer()).toEqual({ globalExitRoot: h(5), timestamp: 100, seenAt: 2 });
  });
});
