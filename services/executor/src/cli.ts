#!/usr/bin/env node
// `pnpm --silent exec-batch FILE`: executes one executor-input JSON (inputs-executor format, with
// `db` and `contractsBytecode`) through the service's processor over an in-process hashdb loaded
// from `db`, and prints one JSON object with the batch outputs and per-tx results.
import { readFileSync } from 'node:fs';
import { isCodedError } from '@zkseq/errors';
import { HashDb, MemoryBackend } from '@zkseq/smt';
import { loadPreState, resultToJson, toProcessBatchInput, type ExecutorInputJson } from './executor-input';
import { BatchExecutor } from './processor';

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: exec-batch FILE.json\n');
    return 2;
  }
  const input = JSON.parse(readFileSync(file, 'utf8')) as ExecutorInputJson;
  const hashdb = new HashDb(new MemoryBackend());
  await loadPreState(hashdb, input);
  const result = await new BatchExecutor(hashdb).processBatch(toProcessBatchInput(input));
  process.stdout.write(`${JSON.stringify(resultToJson(result))}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`exec-batch: ${isCodedError(err) ? `${err.code}: ` : ''}${(err as Error).message}\n`);
    process.exit(1);
  },
);
