#!/usr/bin/env node
// The README's test command: type-check and build every package, run the unit tests in parallel
// and the cross-service tests one file at a time, then print one plain summary line for CI.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const extraArgs = process.argv.slice(2);
let passed = 0;
let failed = 0;

function run(cmd, args) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  return res.status ?? 1;
}

function jest(project, workerArgs) {
  const out = join(root, `.jest-results-${project}.json`);
  rmSync(out, { force: true });
  const status = run('pnpm', ['exec', 'jest', '--ci', '--selectProjects', project, ...workerArgs,
    '--json', `--outputFile=${out}`, ...extraArgs]);
  try {
    const res = JSON.parse(readFileSync(out, 'utf8'));
    passed += res.numPassedTests;
    failed += res.numFailedTests;
    // A suite that fails to load has no failed tests of its own; count it so it cannot hide.
    failed += res.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
  } catch {
    if (status !== 0) failed += 1;
  }
}

if (run('pnpm', ['run', 'build']) !== 0) {
  failed += 1;
  console.error('build failed');
} else {
  jest('unit', ['--maxWorkers=2']);
  jest('integration', ['--runInBand']);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
