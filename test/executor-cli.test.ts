// `pnpm --silent exec-batch FILE` (the built CLI): one JSON object per executor input.
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORK6 } from './executor-vectors';

// Whole-batch executions; CI machines are shared and slow.
jest.setTimeout(180_000);

const root = join(__dirname, '..');
const run = (file: string) => spawnSync('pnpm', ['--silent', 'exec-batch', file], { cwd: root, encoding: 'utf8' });

describe('exec-batch CLI', () => {
  it.each([
    ['e2e', 'e2e_0'],
    ['no-data', 'txs-same-batch'],
    ['rlp-error', 'test-length-data_1'],
  ])('prints the outputs of %s/%s', (folder, name) => {
    const file = join(FORK6, 'inputs-executor', folder, `${name}.json`);
    const expected = JSON.parse(require('node:fs').readFileSync(file, 'utf8'));
    const res = run(file);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]);
    expect(out.newStateRoot).toBe(expected.newStateRoot.toLowerCase());
    expect(out.newAccInputHash).toBe(expected.newAccInputHash.toLowerCase());
    expect(BigInt(out.newLocalExitRoot)).toBe(BigInt(expected.newLocalExitRoot));
    expect(out.newBatchNum).toBe(Number(expected.newNumBatch));
    expect(Array.isArray(out.txs)).toBe(true);
  });

  it('fails with a message for an input whose db does not rebuild the old root', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zkseq-cli-'));
    try {
      const file = join(dir, 'bad.json');
      const input = JSON.parse(require('node:fs').readFileSync(join(FORK6, 'inputs-executor/no-data/general_0.json'), 'utf8'));
      input.oldStateRoot = '0x' + '11'.repeat(32);
      writeFileSync(file, JSON.stringify(input));
      const res = run(file);
      expect(res.status).toBe(1);
      expect(res.stderr).toMatch(/^exec-batch: EXECUTOR_/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
