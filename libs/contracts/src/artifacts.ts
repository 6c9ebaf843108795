import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InterfaceAbi } from 'ethers';

export type ContractName = 'ZkEvmRollup' | 'GlobalExitRootManager' | 'FeeToken' | 'ZkEvmRollupHarness' | 'ForceBatchCaller';

export type Artifact = { contractName: ContractName; sourceName: string; abi: InterfaceAbi; bytecode: string; deployedBytecode: string };

// artifacts/ sits beside src/ and dist/, so the same path works from sources (jest) and the build.
const artifactsDir = join(__dirname, '..', 'artifacts');
const cache = new Map<ContractName, Artifact>();

/** ABI and bytecode produced by `pnpm build` (scripts/compile.mjs runs solc on contracts/). */
export function loadArtifact(name: ContractName): Artifact {
  let artifact = cache.get(name);
  if (!artifact) {
    const file = join(artifactsDir, `${name}.json`);
    try {
      artifact = JSON.parse(readFileSync(file, 'utf8')) as Artifact;
    } catch (err) {
      throw new Error(`contract artifact ${file} is missing or unreadable; run \`pnpm build\` first (${(err as Error).message})`);
    }
    cache.set(name, artifact);
  }
  return artifact;
}
