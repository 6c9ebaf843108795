// Loading of the fork-6 test vectors shared by the executor conformance tests.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export const VECTORS_DIR = process.env.ZKSEQ_VECTORS_DIR ?? join(__dirname, '..', '..', 'shared', 'vectors');
export const FORK6 = join(VECTORS_DIR, 'fork6');

export type ExecutorInput = {
  oldStateRoot: string;
  newStateRoot: string;
  oldAccInputHash: string;
  newAccInputHash: string;
  newLocalExitRoot: string;
  oldNumBatch: number;
  newNumBatch: number;
  chainID: number;
  forkID: number;
  batchL2Data: string;
  globalExitRoot: string;
  timestamp: number | string;
  sequencerAddr: string;
  batchHashData: string;
  contractsBytecode: Record<string, string>;
  db: Record<string, string[]>;
};

export const EXECUTOR_FOLDERS = ['no-data', 'calldata', 'rlp-error', 'e2e'] as const;
export const EXPECTED_COUNTS: Record<(typeof EXECUTOR_FOLDERS)[number], number> = { 'no-data': 30, calldata: 76, 'rlp-error': 38, e2e: 1 };

export function executorInputs(folder: string): { name: string; input: ExecutorInput }[] {
  const dir = join(FORK6, 'inputs-executor', folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: basename(f, '.json'), input: JSON.parse(readFileSync(join(dir, f), 'utf8')) as ExecutorInput }));
}

export type StateTransitionCase = {
  id?: number;
  description?: string;
  genesis: { address: string; balance: string; nonce: string; bytecode?: string; storage?: Record<string, string>; pvtKey?: string }[];
  txs: Record<string, unknown>[];
  expectedOldRoot: string;
  expectedNewRoot: string;
  expectedNewLeafs: Record<string, { balance: string; nonce: string; storage?: Record<string, string>; hashBytecode?: string; bytecodeLength?: number }>;
  batchL2Data: string;
  sequencerAddress: string;
  chainID: number;
  timestamp: number;
  globalExitRoot: string;
  oldAccInputHash: string;
};

export function stateTransitionFiles(folder: string): { name: string; cases: StateTransitionCase[] }[] {
  const dir = join(FORK6, 'state-transition', folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const raw = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      return { name: basename(f, '.json'), cases: Array.isArray(raw) ? raw : [raw] };
    });
}

/** Prints one pass-count line per folder (the issue asks for it in the test output). */
export function printCounts(what: string, counts: Record<string, { passed: number; total: number }>): void {
  const lines = Object.entries(counts).map(([k, v]) => `  ${k}: ${v.passed}/${v.total}`);
  process.stdout.write(`${what}\n${lines.join('\n')}\n`);
}
