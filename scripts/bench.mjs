#!/usr/bin/env node
// `pnpm bench [--json] [filter...]`: builds, then runs every compiled `*.bench.js` under libs/ and
// services/ (those whose path contains a filter, when given) in its own process. Figures come
// back as JSON lines; printed as a table, or passed through one per line with --json.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const filters = args.filter((a) => a !== '--json');

function findBenches(dir, out = []) {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) findBenches(path, out);
    else if (entry.endsWith('.bench.js') && path.includes('/dist/')) out.push(path);
  }
  return out;
}

const build = spawnSync('pnpm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(build.status ?? 1);

const benches = ['libs', 'services']
  .flatMap((d) => findBenches(join(root, d)))
  .filter((p) => filters.length === 0 || filters.some((f) => relative(root, p).includes(f)))
  .sort();
const figures = [];
let failures = 0;
for (const file of benches) {
  process.stderr.write(`# ${relative(root, file)}\n`);
  const res = spawnSync(process.execPath, ['--expose-gc', file], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 26 });
  for (const line of res.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const fig = JSON.parse(line);
    figures.push(fig);
    if (json) process.stdout.write(`${JSON.stringify(fig)}\n`);
  }
  if (res.status !== 0) {
    failures++;
    process.stderr.write(`benchmark ${relative(root, file)} exited with ${res.status}\n`);
  }
}
if (!json) {
  const w = Math.max(4, ...figures.map((f) => f.name.length));
  console.log(`${'name'.padEnd(w)}  ${'value'.padStart(14)}  unit`);
  for (const f of figures) console.log(`${f.name.padEnd(w)}  ${f.value.toLocaleString('en-US').padStart(14)}  ${f.unit}`);
}
process.exit(failures === 0 ? 0 : 1);
