// All 145 fork-6 executor inputs through the executor (in-process hashdb): new state root,
// accumulated input hash and local exit root must match; state-transition leaves too.
import { fromHex, toHex } from '@zkseq/batch';
import { h4ToHex, HashDb, MemoryBackend, keyBalance, keyNonce, keyStorage, keyCode, keyCodeLength, hexToH4 } from '@zkseq/smt';
import { BatchExecutor } from '../services/executor/src/processor';
import { loadPreState, toProcessBatchInput, type ExecutorInputJson } from '../services/executor/src/executor-input';
import { EXECUTOR_FOLDERS, EXPECTED_COUNTS, executorInputs, printCounts, stateTransitionFiles, type StateTransitionCase } from './executor-vectors';

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
