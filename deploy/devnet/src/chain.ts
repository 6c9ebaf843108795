import { spawn } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readL1Deployment, type L1Deployment } from '@zkseq/contracts';
import { writeGenesisFile, type L2Genesis } from '@zkseq/genesis';
import { devAccounts, devGenesis } from './accounts';

export type ChainFiles = { genesis: string; deployment: string; l1SequencerKey: string };

export const chainFiles = (dir: string): ChainFiles => ({
  genesis: join(dir, 'l2-genesis.json'),
  deployment: join(dir, 'l1-deployment.json'),
  l1SequencerKey: join(dir, 'l1-sequencer.key'),
});

export type PrepareOptions = {
  /** Repository root (where deploy/l1/dist/deploy.js is). */
  root: string;
  dir: string;
  l1RpcUrl: string;
  l2ChainId: number;
  loadAccounts: number;
  /** The deploy script's output goes here. */
  logFile: string;
};

export type PreparedChain = { files: ChainFiles; genesis: L2Genesis; deployment: L1Deployment };

/**
 * Writes the L2 genesis (20 development accounts + load accounts), deploys the L1 contracts with
 * its root through `pnpm l1:deploy`'s script, then stamps the genesis with the deployment block's
 * timestamp and writes the trusted sequencer's key file (dev account #1, as the deploy script
 * assumes) for eth-tx-manager.
 */
export async function prepareChain(o: PrepareOptions): Promise<PreparedChain> {
  mkdirSync(o.dir, { recursive: true });
  const files = chainFiles(o.dir);
  const genesis = await devGenesis({ chainId: o.l2ChainId, timestamp: Math.floor(Date.now() / 1000), loadAccounts: o.loadAccounts });
  writeGenesisFile(files.genesis, genesis);
  await runDeployScript(o, {
    L1_RPC_URL: o.l1RpcUrl,
    L1_DEPLOYMENT_FILE: files.deployment,
    L2_GENESIS_FILE: files.genesis,
    L2_CHAIN_ID: String(o.l2ChainId),
  });
  const deployment = readL1Deployment(files.deployment);
  if (deployment.l2.genesis.stateRoot !== genesis.root) throw new Error(`deployed genesis root ${deployment.l2.genesis.stateRoot} differs from ${genesis.root}`);
  const stamped = { ...genesis, timestamp: deployment.l2.genesis.timestamp };
  writeGenesisFile(files.genesis, stamped);
  writeFileSync(files.l1SequencerKey, `${devAccounts(2)[1].privateKey}\n`, { mode: 0o600 });
  chmodSync(files.l1SequencerKey, 0o600);
  return { files, genesis: stamped, deployment };
}

function runDeployScript(o: PrepareOptions, env: Record<string, string>): Promise<void> {
  const log = createWriteStream(o.logFile, { flags: 'w' });
  const child = spawn(process.execPath, [join(o.root, 'deploy/l1/dist/deploy.js')], { cwd: o.root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (d: Buffer) => {
    log.write(d);
    tail = (tail + d.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      log.end();
      if (code === 0) resolve();
      else reject(new Error(`L1 deployment failed (exit ${code}):\n${tail}`));
    });
  });
}
