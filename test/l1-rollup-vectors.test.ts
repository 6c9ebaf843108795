// The contract's accInputHash chain equals the executor vectors' oldAccInputHash → newAccInputHash:
// every fork-6 executor input goes through sequenceBatches on a real node, starting from its own
// oldAccInputHash (set through the test-only harness), and consecutive vectors as one sequence.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { MAX_TRANSACTIONS_BYTE_LENGTH, accInputHashStep, devAccount, type BatchData, type Hex } from '@zkseq/contracts';
import { gerAs, mined, revertReason, rollupAs, startFixture, stopFixture, type Fixture } from './l1-fixtures';

const DIR = join(process.env.ZKSEQ_VECTORS_DIR ?? join(__dirname, '..', '..', 'shared', 'vectors'), 'fork6', 'inputs-executor');

type Vector = {
  name: string;
  oldAccInputHash: Hex;
  newAccInputHash: Hex;
  oldNumBatch: number;
  newNumBatch: number;
  batchL2Data: Hex;
  globalExitRoot: Hex;
  timestamp: number | string;
  sequencerAddr: string;
};

const vectors: Vector[] = readdirSync(DIR).flatMap((folder) =>
  readdirSync(join(DIR, folder))
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => ({ name: `${folder}/${n}`, ...(JSON.parse(readFileSync(join(DIR, folder, n), 'utf8')) as Omit<Vector, 'name'>) })),
);
const byNew = new Map(vectors.map((v) => [v.newAccInputHash, v]));
const fits = (v: Vector) => (v.batchL2Data.length - 2) / 2 <= MAX_TRANSACTIONS_BYTE_LENGTH;
const toBatch = (v: Vector): BatchData => ({ transactions: v.batchL2Data, globalExitRoot: v.globalExitRoot, timestamp: BigInt(v.timestamp), minForcedTimestamp: 0n });

let f: Fixture;
// Real transactions on a shared 2-core machine: generous per-test limits (no timing is asserted).
jest.setTimeout(60_000);

beforeAll(async () => {
  f = await startFixture({ harness: true, batchFee: 0n });
  // The vectors' timestamps lie in 2031; the chain must be past them ("not in the future").
  const latest = Math.max(...vectors.map((v) => Number(v.timestamp)));
  await f.node.rpc('evm_setNextBlockTimestamp', [latest + 60]);
  await f.node.rpc('evm_mine');
  const gerUpdater = new Wallet(devAccount(0).privateKey, f.provider);
  for (const ger of new Set(vectors.map((v) => v.globalExitRoot))) {
    if (BigInt(ger) !== 0n) await mined(gerAs(f, gerUpdater).updateGlobalExitRoot(ger));
  }
}, 60_000);

afterAll(async () => {
  await stopFixture(f);
});

async function sequenceFrom(start: Vector, chain: Vector[]): Promise<string> {
  // Automine: the transaction is in a block once sent; the checks below would catch a failure.
  await rollupAs(f, f.admin).setSequenceHead(start.oldNumBatch, start.oldAccInputHash, 0n);
  await mined(rollupAs(f, f.sequencer).sequenceBatches(chain.map(toBatch), chain[0].sequencerAddr));
  const last = chain[chain.length - 1];
  expect(await rollupAs(f, f.user).lastBatchSequenced()).toBe(BigInt(last.newNumBatch));
  return (await rollupAs(f, f.user).sequencedBatches(last.newNumBatch))[0] as string;
}

describe('accInputHash chain vs the fork-6 executor vectors', () => {
  it('has the vectors', () => {
    expect(vectors.length).toBe(145);
  });

  it('the TS helper reproduces every vector', () => {
    for (const v of vectors) {
      expect(accInputHashStep(v.oldAccInputHash, v.batchL2Data, v.globalExitRoot, BigInt(v.timestamp), v.sequencerAddr)).toBe(v.newAccInputHash);
    }
  });

  it('sequenceBatches turns each oldAccInputHash into its newAccInputHash', async () => {
    let checked = 0;
    for (const v of vectors.filter(fits)) {
      expect({ name: v.name, acc: await sequenceFrom(v, [v]) }).toEqual({ name: v.name, acc: v.newAccInputHash });
      checked++;
    }
    expect(checked).toBe(vectors.length - vectors.filter((v) => !fits(v)).length);
  }, 120_000);

  it('chains consecutive vectors in one sequence', async () => {
    const starts = vectors.filter((v) => !byNew.has(v.oldAccInputHash) && vectors.some((w) => w.oldAccInputHash === v.newAccInputHash));
    expect(starts.map((v) => v.name).sort()).toEqual(['no-data/header_timestamp_0.json', 'no-data/txs-different-batch_0.json']);
    for (const start of starts) {
      const chain = [start];
      for (let next = vectors.find((w) => w.oldAccInputHash === start.newAccInputHash); next; next = vectors.find((w) => w.oldAccInputHash === chain[chain.length - 1].newAccInputHash)) {
        chain.push(next);
      }
      expect(chain.length).toBeGreaterThan(1);
      expect(await sequenceFrom(start, chain)).toBe(chain[chain.length - 1].newAccInputHash);
    }
  });

  it('rejects the vectors whose batch data exceeds the 120,000-byte limit', async () => {
    const over = vectors.filter((v) => !fits(v));
    expect(over.map((v) => v.name)).toEqual(['rlp-error/test-length-data_1.json', 'rlp-error/test-length-data_2.json']);
    for (const v of over) {
      await mined(rollupAs(f, f.admin).setSequenceHead(v.oldNumBatch, v.oldAccInputHash, 0n));
      expect(await revertReason(rollupAs(f, f.sequencer).sequenceBatches([toBatch(v)], v.sequencerAddr))).toBe('TransactionsLengthAboveMax()');
    }
  });
});
