#!/usr/bin/env node
// Compiles contracts/**/*.sol with solc-js (no network, unlike `hardhat compile`) into
// artifacts/<Contract>.json = { contractName, sourceName, abi, bytecode, deployedBytecode }.
// Skips the compiler when the sources, settings and compiler version are unchanged.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';

const root = join(import.meta.dirname, '..');
const srcDir = join(root, 'contracts');
const outDir = join(root, 'artifacts');
const solc = createRequire(import.meta.url)('solc');

function listSol(dir, out = []) {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) listSol(path, out);
    else if (entry.endsWith('.sol')) out.push(path);
  }
  return out;
}

const sources = {};
for (const file of listSol(srcDir)) sources[relative(srcDir, file).split(sep).join('/')] = { content: readFileSync(file, 'utf8') };
const settings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};
const input = { language: 'Solidity', sources, settings };
const inputHash = createHash('sha256').update(solc.version()).update(JSON.stringify(input)).digest('hex');
const stampFile = join(outDir, '.input-hash');
try {
  if (readFileSync(stampFile, 'utf8') === inputHash) process.exit(0);
} catch {
  // no previous build
}

const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
for (const e of output.errors ?? []) process.stderr.write(`${e.formattedMessage}\n`);
if (errors.length > 0) process.exit(1);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
let count = 0;
for (const [sourceName, contracts] of Object.entries(output.contracts)) {
  for (const [contractName, c] of Object.entries(contracts)) {
    if (!c.evm.bytecode.object) continue; // interfaces
    const artifact = { contractName, sourceName, abi: c.abi, bytecode: `0x${c.evm.bytecode.object}`, deployedBytecode: `0x${c.evm.deployedBytecode.object}` };
    writeFileSync(join(outDir, `${contractName}.json`), `${JSON.stringify(artifact, null, 2)}\n`);
    count++;
  }
}
writeFileSync(stampFile, inputHash);
process.stderr.write(`contracts: compiled ${count} contracts with solc ${solc.version()}\n`);
