#!/usr/bin/env node
// Install step of @zkseq/poseidon: compiles the AssemblyScript kernel to build/poseidon.wasm and the
// native N-API addon with node-gyp and the machine's g++ (build/Release/poseidon.node). Either may
// fail without failing the install: the loader falls back native -> wasm -> BigInt and says which
// kernel it uses.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const pkg = join(import.meta.dirname, '..');
const require = createRequire(join(pkg, 'package.json'));
const run = (cmd, args) => spawnSync(cmd, args, { cwd: pkg, stdio: 'inherit' }).status === 0;

// node-gyp: the copy on PATH (pnpm and npm provide one to lifecycle scripts) or npm's own.
const candidates = [
  ...(process.env.npm_config_node_gyp ? [process.env.npm_config_node_gyp] : []),
  resolve(process.execPath, '../../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
];
const gypArgs = ['rebuild'];
// Build against the installed headers instead of downloading them (no network at install).
const nodedir = resolve(process.execPath, '../..');
if (existsSync(join(nodedir, 'include/node/node_api.h'))) gypArgs.push(`--nodedir=${nodedir}`);
let nativeOk = run('node-gyp', gypArgs);
for (const js of candidates) {
  if (nativeOk) break;
  if (existsSync(js)) nativeOk = run(process.execPath, [js, ...gypArgs]);
}
if (!nativeOk) console.warn('@zkseq/poseidon: native kernel not built; the WASM kernel will be used');

// After node-gyp, whose rebuild empties build/.
mkdirSync(join(pkg, 'build'), { recursive: true });
let asc;
try {
  asc = join(dirname(require.resolve('assemblyscript/package.json')), 'bin/asc.js');
} catch {
  asc = undefined;
}
const wasmOk = asc !== undefined && run(process.execPath, [asc, 'assembly/poseidon.ts', '-o', 'build/poseidon.wasm', '-O3', '--runtime', 'stub', '--noAssert', '--initialMemory', '16']);
if (!wasmOk) console.warn('@zkseq/poseidon: WASM kernel not built (assemblyscript missing or failed)');

