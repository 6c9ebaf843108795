// All 145 fork-6 executor inputs through the executor (in-process hashdb): new state root,
// accumulated input hash and local exit root must match; state-transition leaves too.
import { fromHex, toHex } from '@zkseq/batch';
import { h4ToHex, HashDb, MemoryBackend, keyBalance, keyNonce, keyStorage, keyCode, keyCodeLength, hexToH4 } from '@zkseq/smt';
import { BatchExecutor } from '../services/executor/src/processor';
import { loadPreState, toProcessBatchInput, type ExecutorInputJson } from '../services/executor/src/executor-input';
import { EXECUTOR_FOLDERS, EXPECTED_COUNTS, executorInputs, printCounts, stateTransitionFiles, type StateTransitionCase } from './executor-vectors';

// Whole-batch executions; CI machines are shared and slow.
jest.setTimeout(180_000);

const pad32 = (h: string) => `0x${BigInt(h).toString(16).padStart(64, '0')}`;

/** calldata inputs map address -> code hash; their code comes from the state-transition genesis. */
function genesisCode(name: string): { cases: StateTransitionCase[] } | undefined {
  const m = /^(.*)_(\d+)$/.exec(name);
  if (!m) return undefined;
  const file = stateTransitionFiles('calldata').find((f) => f.name === m[1]);
  return file ? { cases: [file.cases[Number(m[2])]] } : undefined;
}

async function run(name: string, input: ExecutorInputJson, folder: string) {
  const hashdb = new HashDb(new MemoryBackend());
  const extra = folder === 'calldata' ? (genesisCode(name)?.cases[0]?.genesis ?? []).filter((g) => g.bytecode && g.bytecode !== '0x').map((g) => fromHex(g.bytecode!)) : [];
  await loadPreState(hashdb, input, extra);
  const exec = new BatchExecutor(hashdb);
  const res = await exec.processBatch(toProcessBatchInput(input));
  return { hashdb, res };
}

describe('fork-6 executor inputs', () => {
  const counts: Record<string, { passed: number; total: number }> = {};
  afterAll(() => printCounts('executor vectors passed per folder:', counts));
  for (const folder of EXECUTOR_FOLDERS) {
    it(`${folder}: newStateRoot, newAccInputHash, newLocalExitRoot`, async () => {
      const inputs = executorInputs(folder);
      expect(inputs).toHaveLength(EXPECTED_COUNTS[folder]);
      const failures: string[] = [];
      let passed = 0;
      for (const { name, input } of inputs) {
        try {
          const { res } = await run(name, input as unknown as ExecutorInputJson, folder);
          const got = { root: h4ToHex(res.newStateRoot), acc: toHex(res.newAccInputHash), ler: toHex(res.newLocalExitRoot), batch: Number(res.newBatchNum) };
          const want = { root: input.newStateRoot.toLowerCase(), acc: input.newAccInputHash.toLowerCase(), ler: pad32(input.newLocalExitRoot), batch: Number(input.newNumBatch) };
          if (JSON.stringify(got) === JSON.stringify(want)) passed++;
          else failures.push(`${name}: got ${JSON.stringify(got)} want ${JSON.stringify(want)} errors ${res.responses.map((r) => r.error).join(',')}`);
        } catch (err) {
          failures.push(`${name}: threw ${(err as Error).stack}`);
        }
      }
      counts[folder] = { passed, total: inputs.length };
      expect(failures).toEqual([]);
    });
  }
});

describe('state-transition expectedNewLeafs', () => {
  const counts: Record<string, { passed: number; total: number }> = {};
  afterAll(() => printCounts('state-transition cases whose expectedNewLeafs match, per folder:', counts));
  for (const folder of ['no-data', 'calldata', 'e2e']) {
    it(folder, async () => {
      let passed = 0;
      let total = 0;
      const failures: string[] = [];
      const inputs = new Map(executorInputs(folder).map((x) => [x.name, x.input]));
      for (const file of stateTransitionFiles(folder)) {
        for (let i = 0; i < file.cases.length; i++) {
          const c = file.cases[i];
          const name = folder === 'e2e' ? 'e2e_0' : `${file.name}_${i}`;
          const input = inputs.get(name);
          if (!input) throw new Error(`no executor input ${name}`);
          total++;
          const { hashdb, res } = await run(name, input as unknown as ExecutorInputJson, folder);
          expect(h4ToHex(res.newStateRoot)).toBe(c.expectedNewRoot.toLowerCase());
          for (const [address, leaf] of Object.entries(c.expectedNewLeafs)) {
            const a = address.toLowerCase();
            const storage = Object.entries(leaf.storage ?? {});
            const keys = [keyBalance(a), keyNonce(a), keyCode(a), keyCodeLength(a), ...storage.map(([slot]) => keyStorage(a, BigInt(slot)))];
            const v = await hashdb.getLeaves(res.newStateRoot, keys);
            const got = { balance: v[0], nonce: v[1], code: v[2], length: v[3], storage: v.slice(4) };
            const want = {
              balance: BigInt(leaf.balance),
              nonce: BigInt(leaf.nonce),
              code: leaf.hashBytecode === undefined ? got.code : BigInt(leaf.hashBytecode),
              length: leaf.bytecodeLength === undefined ? got.length : BigInt(leaf.bytecodeLength),
              storage: storage.map(([, value]) => BigInt(value)),
            };
            if (JSON.stringify(got, (_, x) => (typeof x === 'bigint' ? x.toString() : x)) !== JSON.stringify(want, (_, x) => (typeof x === 'bigint' ? x.toString() : x))) {
              failures.push(`${name} ${a}`);
            }
          }
          passed++;
        }
      }
      counts[folder] = { passed: passed - new Set(failures.map((f) => f.split(' ')[0])).size, total };
      expect(failures).toEqual([]);
      expect(total).toBe({ 'no-data': 23, calldata: 76, e2e: 1 }[folder]);
    });
  }
});

describe('executor inputs also match their state-transition old roots', () => {
  it('every calldata input root equals the genesis expectedOldRoot', () => {
    for (const file of stateTransitionFiles('calldata')) {
      file.cases.forEach((c, i) => {
        const input = executorInputs('calldata').find((x) => x.name === `${file.name}_${i}`)!;
        expect(hexToH4(input.input.oldStateRoot)).toEqual(hexToH4(c.expectedOldRoot));
      });
    }
  });
});
