import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const hex = (bytes: number) => z.string().regex(new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`), `expected 0x-prefixed ${bytes}-byte hex`);
const address = hex(20);

const genesisAccount = z.object({
  address,
  balance: z.string(),
  nonce: z.string(),
  contractName: z.string().optional(),
  bytecode: z.string().optional(),
  storage: z.record(z.string(), z.string()).optional(),
});

/**
 * The one file a deployment produces and every service reads: where L1 is, the contract
 * addresses, the roles, and the L2 genesis the rollup was initialised with.
 */
export const l1DeploymentSchema = z.object({
  l1: z.object({ rpcUrl: z.string(), chainId: z.number().int(), deploymentBlockNumber: z.number().int(), deploymentBlockHash: hex(32) }),
  contracts: z.object({ rollup: address, globalExitRootManager: address, feeToken: address }),
  roles: z.object({ admin: address, trustedSequencer: address, globalExitRootUpdater: address }),
  params: z.object({ batchFee: z.string(), forceBatchTimeout: z.number().int(), forcedBatchesActive: z.boolean() }),
  l2: z.object({
    chainId: z.number().int(),
    forkId: z.number().int(),
    networkName: z.string(),
    genesis: z.object({
      stateRoot: hex(32),
      accInputHash: hex(32),
      batchNumber: z.literal(0),
      /** L1 timestamp of the deployment block. */
      timestamp: z.number().int(),
      /** Accounts of the genesis state, in the zkevm genesis.json format; empty when not given. */
      accounts: z.array(genesisAccount),
    }),
  }),
});

export type L1Deployment = z.infer<typeof l1DeploymentSchema>;
export type GenesisAccount = z.infer<typeof genesisAccount>;

/** Reads and validates a deployment file; the error names the file and every bad field. */
export function readL1Deployment(file: string): L1Deployment {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read L1 deployment file ${file}: ${(err as Error).message}`);
  }
  const res = l1DeploymentSchema.safeParse(raw);
  if (!res.success) {
    throw new Error(`invalid L1 deployment file ${file}: ${res.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return res.data;
}

export function writeL1Deployment(file: string, d: L1Deployment): void {
  l1DeploymentSchema.parse(d);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(d, null, 2)}\n`);
}

/** The zkevm genesis.json format: `{ root, genesis: [accounts] }`. */
export const genesisFileSchema = z.object({ root: hex(32), genesis: z.array(genesisAccount) });
