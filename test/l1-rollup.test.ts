// The rollup contract against a real hardhat node: every sequenceBatches rule accepted and
// rejected, forced batches through sequenceBatches and sequenceForceBatches, admin rules.
import { Wallet, hexlify, keccak256, randomBytes, toBeHex } from 'ethers';
import {
  DEFAULT_BATCH_FEE,
  DEFAULT_FORCE_BATCH_TIMEOUT,
  SEQUENCE_BATCHES_SELECTOR,
  SEQUENCE_BATCHES_TOPIC,
  SEQUENCE_FORCE_BATCHES_SELECTOR,
  ZERO_HASH,
  accInputHashStep,
  contractAt,
  decodeSequenceBatches,
  encodeSequenceBatches,
  forcedBatchHash,
  loadArtifact,
  parseGlobalExitRootLog,
  parseRollupLog,
  rollupInterface,
  sequenceAccInputHash,
  type BatchData,
  type Hex,
} from '@zkseq/contracts';
import { gerAs, latestTimestamp, mined, revertReason, rollupAs, startFixture, stopFixture, tokenAs, type Fixture } from './l1-fixtures';

const GENESIS_ROOT = keccak256('0x1234') as Hex;
const COINBASE = '0x617b3a3528F9cDd6630fd3301B9c8911F7Bf063D';
let f: Fixture;
// Real transactions on a shared 2-core machine: generous per-test limits (no timing is asserted).
jest.setTimeout(60_000);

beforeAll(async () => {
  f = await startFixture({ genesisRoot: GENESIS_ROOT });
}, 60_000);

afterAll(async () => {
  await stopFixture(f);
});

const batch = (timestamp: bigint, over: Partial<BatchData> = {}): BatchData => ({
  transactions: hexlify(randomBytes(100)) as Hex,
  globalExitRoot: ZERO_HASH,
  timestamp,
  minForcedTimestamp: 0n,
  ...over,
});

async function head() {
  const r = rollupAs(f, f.sequencer);
  const last = (await r.lastBatchSequenced()) as bigint;
  const [acc, ts] = (await r.sequencedBatches(last)) as [string, bigint, bigint];
  return { last, acc, lastTimestamp: (await r.lastTimestamp()) as bigint, sequencedTs: ts };
}

describe('interface', () => {
  it('has the fork-6 selector and event topic and round-trips calldata', () => {
    const iface = rollupInterface();
    expect(iface.getFunction('sequenceBatches')!.selector).toBe(SEQUENCE_BATCHES_SELECTOR);
    expect(iface.getFunction('sequenceForceBatches')!.selector).toBe(SEQUENCE_FORCE_BATCHES_SELECTOR);
    expect(iface.getEvent('SequenceBatches')!.topicHash).toBe(SEQUENCE_BATCHES_TOPIC);
    const batches = [batch(5n), batch(6n, { minForcedTimestamp: 3n, globalExitRoot: keccak256('0x01') as Hex })];
    const data = encodeSequenceBatches(batches, COINBASE);
    expect(data.startsWith(SEQUENCE_BATCHES_SELECTOR)).toBe(true);
    expect(decodeSequenceBatches(data)).toEqual({ batches, l2Coinbase: COINBASE });
  });
});

describe('genesis', () => {
  it('starts at batch 0 with accInputHash 0 and the L2 genesis root', async () => {
    const r = rollupAs(f, f.user);
    expect(await r.lastBatchSequenced()).toBe(0n);
    expect(await r.sequencedBatches(0n)).toEqual([ZERO_HASH, 0n, 0n]);
    expect(await r.batchNumToStateRoot(0n)).toBe(GENESIS_ROOT);
    expect(await r.forkID()).toBe(6n);
    expect(await r.chainID()).toBe(1001n);
    expect(await r.trustedSequencer()).toBe(f.sequencer.address);
  });
});

describe('sequenceBatches', () => {
  it('chains accInputHash per batch, stores it under the last batch, emits SequenceBatches and charges the batch fee', async () => {
    const before = await head();
    const ts = await latestTimestamp(f);
    const batches = [batch(ts - 5n), batch(ts - 5n), batch(ts)];
    const token = tokenAs(f, f.sequencer);
    const balanceBefore = (await token.balanceOf(f.sequencer.address)) as bigint;
    const receipt = await mined(rollupAs(f, f.sequencer).sequenceBatches(batches, COINBASE));

    const expected = sequenceAccInputHash(before.acc, batches, COINBASE);
    let step = before.acc;
    for (const b of batches) step = accInputHashStep(step, b.transactions, b.globalExitRoot, b.timestamp, COINBASE);
    expect(step).toBe(expected);

    const after = await head();
    expect(after.last).toBe(before.last + 3n);
    const [acc, sequencedTs, prev] = (await rollupAs(f, f.user).sequencedBatches(after.last)) as [string, bigint, bigint];
    expect(acc).toBe(expected);
    expect(prev).toBe(before.last);
    expect(sequencedTs).toBe(BigInt((await f.provider.getBlock(receipt.blockNumber))!.timestamp));
    expect(after.lastTimestamp).toBe(ts);
    // Only the last batch of a sequence has an entry.
    expect((await rollupAs(f, f.user).sequencedBatches(before.last + 1n))[0]).toBe(ZERO_HASH);

    const logs = receipt.logs.filter((l) => l.address === f.system.rollup);
    expect(logs).toHaveLength(1);
    expect(logs[0].topics[0]).toBe(SEQUENCE_BATCHES_TOPIC);
    expect(logs[0].topics[1]).toBe(toBeHex(after.last, 32));
    expect(parseRollupLog(logs[0])).toEqual({ name: 'SequenceBatches', numBatch: after.last });
    expect(balanceBefore - ((await token.balanceOf(f.sequencer.address)) as bigint)).toBe(DEFAULT_BATCH_FEE * 3n);
  });

  it('only accepts the trusted sequencer', async () => {
    const ts = await latestTimestamp(f);
    expect(await revertReason(rollupAs(f, f.user).sequenceBatches([batch(ts)], COINBASE))).toBe('OnlyTrustedSequencer()');
    expect(await revertReason(rollupAs(f, f.admin).sequenceBatches([batch(ts)], COINBASE))).toBe('OnlyTrustedSequencer()');
  });

  it('takes 1 to 1,000 batches per call', async () => {
    const ts = await latestTimestamp(f);
    const r = rollupAs(f, f.sequencer);
    expect(await revertReason(r.sequenceBatches([], COINBASE))).toBe('SequenceZeroBatches()');
    const many = (n: number) => Array.from({ length: n }, () => batch(ts, { transactions: '0x' }));
    expect(await revertReason(r.sequenceBatches(many(1001), COINBASE))).toBe('ExceedMaxVerifyBatches()');
    const before = await head();
    await mined(r.sequenceBatches(many(1000), COINBASE));
    expect((await head()).last).toBe(before.last + 1000n);
  });

  it('takes at most 120,000 bytes of transactions per batch', async () => {
    const ts = await latestTimestamp(f);
    const r = rollupAs(f, f.sequencer);
    const bytes = (n: number) => hexlify(randomBytes(n)) as Hex;
    expect(await revertReason(r.sequenceBatches([batch(ts, { transactions: bytes(120_001) })], COINBASE))).toBe('TransactionsLengthAboveMax()');
    const before = await head();
    await mined(r.sequenceBatches([batch(ts, { transactions: bytes(120_000) }), batch(ts, { transactions: '0x' })], COINBASE));
    expect((await head()).last).toBe(before.last + 2n);
  });

  it('requires timestamps non-decreasing within and across sequences, and not in the future', async () => {
    const r = rollupAs(f, f.sequencer);
    const ts = await latestTimestamp(f);
    await mined(r.sequenceBatches([batch(ts - 1n), batch(ts - 1n)], COINBASE));
    // decreasing inside one sequence
    expect(await revertReason(r.sequenceBatches([batch(ts), batch(ts - 1n)], COINBASE))).toBe('SequencedTimestampInvalid()');
    // below the last sequenced batch of the previous sequence
    expect(await revertReason(r.sequenceBatches([batch(ts - 2n)], COINBASE))).toBe('SequencedTimestampInvalid()');
    // in the future of the L1 block
    expect(await revertReason(r.sequenceBatches([batch(ts + 3600n)], COINBASE))).toBe('SequencedTimestampInvalid()');
    // equal to the previous one is fine
    await mined(r.sequenceBatches([batch(ts - 1n)], COINBASE));
    expect((await head()).lastTimestamp).toBe(ts - 1n);
  });

  it('accepts a zero global exit root and a recorded one, rejects an unknown one', async () => {
    const r = rollupAs(f, f.sequencer);
    const ger = keccak256(randomBytes(32)) as Hex;
    const ts = await latestTimestamp(f);
    expect(await revertReason(r.sequenceBatches([batch(ts, { globalExitRoot: ger })], COINBASE))).toBe('GlobalExitRootNotExist()');
    expect(await revertReason(gerAs(f, f.user).updateGlobalExitRoot(ger))).toBe('OnlyUpdater()');
    const gerReceipt = await mined(gerAs(f, f.admin).updateGlobalExitRoot(ger));
    const gerTs = BigInt((await f.provider.getBlock(gerReceipt.blockNumber))!.timestamp);
    expect(await gerAs(f, f.user).globalExitRootMap(ger)).toBe(gerTs);
    expect(await gerAs(f, f.user).getLastGlobalExitRoot()).toBe(ger);
    expect(parseGlobalExitRootLog(gerReceipt.logs[0])).toEqual({ globalExitRoot: ger, timestamp: gerTs });
    expect(parseRollupLog(gerReceipt.logs[0])).toBeNull();
    // Posting it again keeps the first timestamp.
    await mined(gerAs(f, f.admin).updateGlobalExitRoot(ger));
    expect(await gerAs(f, f.user).globalExitRootMap(ger)).toBe(gerTs);
    expect(await revertReason(gerAs(f, f.admin).updateGlobalExitRoot(ZERO_HASH))).toBe('ZeroGlobalExitRoot()');
    const before = await head();
    const batches = [batch(ts, { globalExitRoot: ger }), batch(ts)];
    await mined(r.sequenceBatches(batches, COINBASE));
    expect((await r.sequencedBatches(before.last + 2n))[0]).toBe(sequenceAccInputHash(before.acc, batches, COINBASE));
  });

  it('fails when the sequencer cannot pay the batch fee', async () => {
    const poor = Wallet.createRandom(f.provider);
    await mined(f.admin.sendTransaction({ to: poor.address, value: 10n ** 18n }));
    await mined(rollupAs(f, f.admin).setTrustedSequencer(poor.address));
    try {
      const ts = await latestTimestamp(f);
      expect(await revertReason(rollupAs(f, poor).sequenceBatches([batch(ts)], COINBASE))).toBe('InsufficientAllowance()');
    } finally {
      await mined(rollupAs(f, f.admin).setTrustedSequencer(f.sequencer.address));
    }
  });
});

describe('forced batches', () => {
  const fee = DEFAULT_BATCH_FEE * 100n;

  beforeAll(async () => {
    await mined(tokenAs(f, f.admin).mint(f.user.address, fee * 100n));
    await mined(tokenAs(f, f.user).approve(f.system.rollup, 2n ** 256n - 1n));
  });

  it('are refused until the admin activates them', async () => {
    expect(await rollupAs(f, f.user).isForcedBatchDisallowed()).toBe(true);
    expect(await revertReason(rollupAs(f, f.user).forceBatch('0x01', fee))).toBe('ForceBatchNotAllowed()');
    expect(await revertReason(rollupAs(f, f.user).sequenceForceBatches([['0x01', ZERO_HASH, 1n]]))).toBe('ForceBatchNotAllowed()');
    expect(await revertReason(rollupAs(f, f.user).activateForceBatches())).toBe('OnlyAdmin()');
    await mined(rollupAs(f, f.admin).activateForceBatches());
    expect(await revertReason(rollupAs(f, f.admin).activateForceBatches())).toBe('ForceBatchesAlreadyActive()');
  });

  it('forceBatch checks the fee and size, charges the fee and stores the forced batch hash', async () => {
    const r = rollupAs(f, f.user);
    expect(await r.getForcedBatchFee()).toBe(fee);
    expect(await revertReason(r.forceBatch('0x01', fee - 1n))).toBe('NotEnoughMaticAmount()');
    expect(await revertReason(r.forceBatch(hexlify(randomBytes(5001)), fee))).toBe('TransactionsLengthAboveMax()');

    const ger = keccak256(randomBytes(32)) as Hex;
    await mined(gerAs(f, f.admin).updateGlobalExitRoot(ger));
    const txs = hexlify(randomBytes(5000)) as Hex;
    const balance = (await tokenAs(f, f.user).balanceOf(f.user.address)) as bigint;
    const receipt = await mined(r.forceBatch(txs, fee * 2n));
    const ts = BigInt((await f.provider.getBlock(receipt.blockNumber))!.timestamp);
    const num = (await r.lastForceBatch()) as bigint;
    expect(await r.forcedBatches(num)).toBe(forcedBatchHash(txs, ger, ts));
    expect(balance - ((await tokenAs(f, f.user).balanceOf(f.user.address)) as bigint)).toBe(fee);
    // From an EOA the transactions are in the calldata, not the event.
    expect(parseRollupLog(receipt.logs.find((l) => l.address === f.system.rollup)!)).toEqual({
      name: 'ForceBatch', forceBatchNum: num, lastGlobalExitRoot: ger, sequencer: f.user.address, transactions: '0x',
    });
    expect(rollupInterface().decodeFunctionData('forceBatch', (await f.provider.getTransaction(receipt.hash))!.data)[0]).toBe(txs);

    // From a contract the event carries them.
    const a = loadArtifact('ForceBatchCaller');
    const { ContractFactory } = await import('ethers');
    const caller = await (await new ContractFactory(a.abi, a.bytecode, f.admin).deploy()).waitForDeployment();
    await mined(tokenAs(f, f.admin).mint(await caller.getAddress(), fee));
    const rc = await mined(contractAt('ForceBatchCaller', await caller.getAddress(), f.admin).forceBatch(f.system.rollup, f.system.feeToken, '0xabcd', fee));
    const ev = rc.logs.map((l) => parseRollupLog(l)).find((e) => e?.name === 'ForceBatch');
    expect(ev).toMatchObject({ name: 'ForceBatch', forceBatchNum: num + 1n, sequencer: await caller.getAddress(), transactions: '0xabcd' });
  });

  it('are sequenced by the trusted sequencer in order, matching the stored data, without batch fee', async () => {
    const r = rollupAs(f, f.sequencer);
    const first = ((await r.lastForceBatchSequenced()) as bigint) + 1n;
    expect(await r.lastForceBatch()).toBe(first + 1n);
    // Rebuild the two queued forced batches from their events and calldata.
    const logs = await f.provider.getLogs({ address: f.system.rollup, fromBlock: 0, topics: [rollupInterface().getEvent('ForceBatch')!.topicHash] });
    const forced: BatchData[] = [];
    for (const log of logs.slice(-2)) {
      const ev = parseRollupLog(log)!;
      if (ev.name !== 'ForceBatch') throw new Error('unexpected event');
      const block = await f.provider.getBlock(log.blockNumber);
      const txs = ev.transactions !== '0x' ? ev.transactions : (rollupInterface().decodeFunctionData('forceBatch', (await f.provider.getTransaction(log.transactionHash))!.data)[0] as Hex);
      forced.push({ transactions: txs, globalExitRoot: ev.lastGlobalExitRoot, timestamp: 0n, minForcedTimestamp: BigInt(block!.timestamp) });
    }
    const ts = await latestTimestamp(f);
    const asForced = (b: BatchData, timestamp: bigint) => ({ ...b, timestamp });

    expect(await revertReason(r.sequenceBatches([asForced({ ...forced[0], transactions: '0xdead' }, ts)], COINBASE))).toBe('ForcedDataDoesNotMatch()');
    expect(await revertReason(r.sequenceBatches([asForced(forced[1], ts)], COINBASE))).toBe('ForcedDataDoesNotMatch()');
    expect(await revertReason(r.sequenceBatches([asForced(forced[0], forced[0].minForcedTimestamp - 1n)], COINBASE))).toBe(
      'SequencedTimestampBelowForcedTimestamp()',
    );

    const before = await head();
    const balance = (await tokenAs(f, f.sequencer).balanceOf(f.sequencer.address)) as bigint;
    const batches = [asForced(forced[0], ts), batch(ts), asForced(forced[1], ts)];
    await mined(r.sequenceBatches(batches, COINBASE));
    expect((await r.sequencedBatches(before.last + 3n))[0]).toBe(sequenceAccInputHash(before.acc, batches, COINBASE));
    expect(await r.lastForceBatchSequenced()).toBe(first + 1n);
    expect(await r.forcedBatches(first)).toBe(ZERO_HASH);
    expect(balance - ((await tokenAs(f, f.sequencer).balanceOf(f.sequencer.address)) as bigint)).toBe(DEFAULT_BATCH_FEE);
    // Nothing left in the queue to match.
    expect(await revertReason(r.sequenceBatches([asForced(forced[0], ts)], COINBASE))).toBe('ForcedDataDoesNotMatch()');
  });

  it('can be sequenced by anyone once the force timeout has passed', async () => {
    const r = rollupAs(f, f.user);
    const ger = (await gerAs(f, f.user).getLastGlobalExitRoot()) as Hex;
    const txsA = hexlify(randomBytes(40)) as Hex;
    const txsB = hexlify(randomBytes(40)) as Hex;
    const tA = BigInt((await f.provider.getBlock((await mined(r.forceBatch(txsA, fee))).blockNumber))!.timestamp);
    await f.node.rpc('evm_setNextBlockTimestamp', [Number(tA + 100n)]);
    const tB = BigInt((await f.provider.getBlock((await mined(r.forceBatch(txsB, fee))).blockNumber))!.timestamp);
    const data = [
      { transactions: txsA, globalExitRoot: ger, minForcedTimestamp: tA },
      { transactions: txsB, globalExitRoot: ger, minForcedTimestamp: tB },
    ];
    const tuples = (d: typeof data) => d.map((b) => [b.transactions, b.globalExitRoot, b.minForcedTimestamp]);

    expect(await revertReason(r.sequenceForceBatches([]))).toBe('SequenceZeroBatches()');
    expect(await revertReason(r.sequenceForceBatches(tuples([...data, data[0]])))).toBe('ForceBatchesOverflow()');
    expect(await revertReason(r.sequenceForceBatches(tuples(data)))).toBe('ForceBatchTimeoutNotExpired()');
    expect(await revertReason(r.sequenceForceBatches(tuples([data[1], data[0]])))).toBe('ForcedDataDoesNotMatch()');

    // Past A's deadline but not B's: only A may go alone.
    await f.node.rpc('evm_setNextBlockTimestamp', [Number(tA + DEFAULT_FORCE_BATCH_TIMEOUT)]);
    await f.node.rpc('evm_mine');
    expect(await revertReason(r.sequenceForceBatches(tuples(data)))).toBe('ForceBatchTimeoutNotExpired()');
    await f.node.rpc('evm_setNextBlockTimestamp', [Number(tB + DEFAULT_FORCE_BATCH_TIMEOUT)]);
    const before = await head();
    const receipt = await mined(r.sequenceForceBatches(tuples(data)));
    const blockTs = BigInt((await f.provider.getBlock(receipt.blockNumber))!.timestamp);
    let acc = before.acc;
    for (const b of data) acc = accInputHashStep(acc, b.transactions, b.globalExitRoot, blockTs, f.user.address);
    const after = await head();
    expect(after.last).toBe(before.last + 2n);
    expect(after.acc).toBe(acc);
    expect(after.lastTimestamp).toBe(blockTs);
    expect(parseRollupLog(receipt.logs.find((l) => l.address === f.system.rollup)!)).toEqual({ name: 'SequenceForceBatches', numBatch: after.last });
  });
});

describe('admin', () => {
  it('may only shorten the force batch timeout, and only the admin may change settings', async () => {
    const r = rollupAs(f, f.admin);
    expect(await revertReason(r.setForceBatchTimeout(DEFAULT_FORCE_BATCH_TIMEOUT))).toBe('InvalidRangeForceBatchTimeout()');
    await mined(r.setForceBatchTimeout(3600n));
    expect(await r.forceBatchTimeout()).toBe(3600n);
    expect(await revertReason(rollupAs(f, f.user).setForceBatchTimeout(60n))).toBe('OnlyAdmin()');
    expect(await revertReason(rollupAs(f, f.user).setBatchFee(0n))).toBe('OnlyAdmin()');
    expect(await revertReason(rollupAs(f, f.user).setTrustedSequencer(f.user.address))).toBe('OnlyAdmin()');
    // The test-only head setter exists only in the harness.
    expect(rollupInterface().getFunction('setSequenceHead')).toBeNull();
  });
});
