/**
 * `pnpm l1:deploy`: deploys fee token, global exit root manager and rollup to an L1 node and
 * writes the deployment file services read (addresses, roles, chain ids, L2 genesis).
 * Every setting is an env variable; see README.md.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { Wallet } from 'ethers';
import { env, parseEnv, sleep } from '@zkseq/service';
import {
  DEFAULT_BATCH_FEE,
  DEFAULT_FORCE_BATCH_TIMEOUT,
  ZERO_HASH,
  deploySystem,
  devAccount,
  devProvider,
  fundFees,
  genesisFileSchema,
  writeL1Deployment,
  type GenesisAccount,
  type Hex,
} from '@zkseq/contracts';

const privateKey = () => z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 0x-prefixed 32-byte private key');

const schema = z.object({
  L1_RPC_URL: env.url('http://127.0.0.1:8545'),
  // Defaults are hardhat's public dev accounts #0 and #1: for local chains only.
  L1_DEPLOYER_PRIVATE_KEY: privateKey().default(devAccount(0).privateKey),
  L1_SEQUENCER_PRIVATE_KEY: privateKey().default(devAccount(1).privateKey),
  L1_GER_UPDATER_ADDRESS: env.address().optional(),
  L1_BATCH_FEE_WEI: env.bigint(DEFAULT_BATCH_FEE),
  L1_SEQUENCER_FEE_FUNDS_WEI: env.bigint(10n ** 24n),
  L1_FORCE_BATCH_TIMEOUT_S: env.bigint(DEFAULT_FORCE_BATCH_TIMEOUT),
  L1_ACTIVATE_FORCED_BATCHES: env.bool(true),
  L2_CHAIN_ID: env.int(1001, 1),
  L2_NETWORK_NAME: env.string('zkseq-devnet'),
  L2_GENESIS_FILE: z.string().optional(),
  L2_GENESIS_ROOT: env.hex32().optional(),
  L1_DEPLOYMENT_FILE: env.string('.devnet/l1-deployment.json'),
  L1_WAIT_FOR_NODE_MS: env.int(30_000),
});

async function main(): Promise<void> {
  const cfg = parseEnv(schema);
  // pnpm runs scripts inside the package; relative paths are meant from where the user typed.
  const base = process.env.INIT_CWD ?? process.cwd();
  let accounts: GenesisAccount[] = [];
  let genesisRoot: Hex = ZERO_HASH;
  if (cfg.L2_GENESIS_FILE) {
    const file = genesisFileSchema.parse(JSON.parse(readFileSync(resolve(base, cfg.L2_GENESIS_FILE), 'utf8')));
    accounts = file.genesis;
    genesisRoot = file.root as Hex;
  }
  if (cfg.L2_GENESIS_ROOT) genesisRoot = cfg.L2_GENESIS_ROOT as Hex;

  const chainId = await waitForChainId(cfg.L1_RPC_URL, cfg.L1_WAIT_FOR_NODE_MS);
  const provider = devProvider(cfg.L1_RPC_URL, chainId);
  const deployer = new Wallet(cfg.L1_DEPLOYER_PRIVATE_KEY, provider);
  const sequencer = new Wallet(cfg.L1_SEQUENCER_PRIVATE_KEY, provider);
  const gerUpdater = cfg.L1_GER_UPDATER_ADDRESS ?? deployer.address;

  const deployed = await deploySystem({
    deployer,
    trustedSequencer: sequencer.address,
    globalExitRootUpdater: gerUpdater,
    l2ChainId: BigInt(cfg.L2_CHAIN_ID),
    genesisRoot,
    batchFee: cfg.L1_BATCH_FEE_WEI,
    forceBatchTimeout: cfg.L1_FORCE_BATCH_TIMEOUT_S,
    networkName: cfg.L2_NETWORK_NAME,
    activateForcedBatches: cfg.L1_ACTIVATE_FORCED_BATCHES,
  });
  if (cfg.L1_BATCH_FEE_WEI > 0n) {
    await fundFees({ tokenOwner: deployer, holder: sequencer, feeToken: deployed.feeToken, rollup: deployed.rollup, amount: cfg.L1_SEQUENCER_FEE_FUNDS_WEI });
  }

  const out = resolve(base, cfg.L1_DEPLOYMENT_FILE);
  writeL1Deployment(out, {
    l1: { rpcUrl: cfg.L1_RPC_URL, chainId, deploymentBlockNumber: deployed.blockNumber, deploymentBlockHash: deployed.blockHash },
    contracts: { rollup: deployed.rollup, globalExitRootManager: deployed.globalExitRootManager, feeToken: deployed.feeToken },
    roles: { admin: deployer.address, trustedSequencer: sequencer.address, globalExitRootUpdater: gerUpdater },
    params: { batchFee: cfg.L1_BATCH_FEE_WEI.toString(), forceBatchTimeout: Number(cfg.L1_FORCE_BATCH_TIMEOUT_S), forcedBatchesActive: cfg.L1_ACTIVATE_FORCED_BATCHES },
    l2: {
      chainId: cfg.L2_CHAIN_ID,
      forkId: 6,
      networkName: cfg.L2_NETWORK_NAME,
      genesis: { stateRoot: genesisRoot, accInputHash: ZERO_HASH, batchNumber: 0, timestamp: deployed.timestamp, accounts },
    },
  });
  provider.destroy();
  process.stdout.write(
    `deployed on L1 chain ${chainId} at block ${deployed.blockNumber}: rollup ${deployed.rollup}, ` +
      `global exit root manager ${deployed.globalExitRootManager}, fee token ${deployed.feeToken}\n` +
      `trusted sequencer ${sequencer.address}; deployment file ${out}\n`,
  );
}

/** Polls eth_chainId until the node answers, so a script may start the node and deploy at once. */
async function waitForChainId(url: string, waitMs: number): Promise<number> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }) });
      const body = (await res.json()) as { result?: string };
      if (body.result) return Number(body.result);
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`no L1 node answering at ${url}: ${(err as Error).message}`);
    }
    await sleep(250);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`l1 deploy failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
