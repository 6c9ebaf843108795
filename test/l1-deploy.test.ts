// The local L1 launcher and the deploy script (the built deploy/l1/dist/deploy.js, as `pnpm
// l1:deploy` runs it) against real hardhat nodes.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { contractAt, devAccount, readL1Deployment, startL1Node, type L1Node } from '@zkseq/contracts';

const run = promisify(execFile);
const DEPLOY = join(__dirname, '..', 'deploy', 'l1', 'dist', 'deploy.js');
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('local L1 node', () => {
  it('runs several nodes side by side on free ports, mines on an interval, and stops them', async () => {
    const [a, b] = await Promise.all([startL1Node({ blockTimeMs: 100, chainId: 1337 }), startL1Node({ blockTimeMs: 0 })]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.port).not.toBe(8545);
      expect(await a.rpc('eth_chainId')).toBe('0x539');
      expect(await b.rpc('eth_chainId')).toBe('0x7a69');
      // Interval mining produces blocks without transactions; automine does not.
      const pa = a.provider();
      const start = await pa.getBlockNumber();
      await new Promise<void>((resolve) => pa.on('block', (n: number) => n >= start + 3 && resolve()));
      pa.destroy();
      expect(Number(await b.rpc('eth_blockNumber'))).toBe(0);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(alive(a.pid)).toBe(false);
    expect(alive(b.pid)).toBe(false);
  }, 60_000);
});

describe('deploy script', () => {
  let node: L1Node;
  let dir: string;

  beforeAll(async () => {
    node = await startL1Node({ blockTimeMs: 0 });
    dir = mkdtempSync(join(tmpdir(), 'zkseq-deploy-'));
  }, 60_000);

  afterAll(async () => {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deploys the contracts and writes one deployment file with addresses, roles, chain ids and genesis', async () => {
    const root = `0x${'ab'.repeat(32)}`;
    const genesisFile = join(dir, 'genesis.json');
    const account = { address: devAccount(5).address, balance: '1000', nonce: '0' };
    writeFileSync(genesisFile, JSON.stringify({ root, genesis: [account] }));
    const out = join(dir, 'out', 'l1.json');
    const { stdout } = await run(process.execPath, [DEPLOY], {
      env: { ...process.env, L1_RPC_URL: node.url, L1_DEPLOYMENT_FILE: out, L2_GENESIS_FILE: genesisFile, L2_CHAIN_ID: '2442', L1_FORCE_BATCH_TIMEOUT_S: '600' },
    });
    expect(stdout).toContain('deployed on L1 chain 31337');

    const d = readL1Deployment(out);
    expect(d.l1).toMatchObject({ rpcUrl: node.url, chainId: 31337 });
    expect(d.roles).toEqual({ admin: devAccount(0).address, trustedSequencer: devAccount(1).address, globalExitRootUpdater: devAccount(0).address });
    expect(d.l2).toMatchObject({ chainId: 2442, forkId: 6, genesis: { stateRoot: root, accInputHash: `0x${'00'.repeat(32)}`, batchNumber: 0, accounts: [account] } });
    expect(d.params).toMatchObject({ forceBatchTimeout: 600, forcedBatchesActive: true });

    const provider = node.provider();
    try {
      const rollup = contractAt('ZkEvmRollup', d.contracts.rollup, null).connect(provider);
      expect(await rollup.getFunction('batchNumToStateRoot')(0n)).toBe(root);
      expect(await rollup.getFunction('chainID')()).toBe(2442n);
      expect(await rollup.getFunction('trustedSequencer')()).toBe(d.roles.trustedSequencer);
      expect(await rollup.getFunction('globalExitRootManager')()).toBe(d.contracts.globalExitRootManager);
      expect(await rollup.getFunction('isForcedBatchDisallowed')()).toBe(false);
      expect(await rollup.getFunction('forceBatchTimeout')()).toBe(600n);
      const block = (await provider.getBlock(d.l1.deploymentBlockNumber))!;
      expect(block.hash).toBe(d.l1.deploymentBlockHash);
      expect(d.l2.genesis.timestamp).toBe(block.timestamp);
      // The sequencer can pay batch fees right away.
      const token = contractAt('FeeToken', d.contracts.feeToken, null).connect(provider);
      expect(await token.getFunction('allowance')(d.roles.trustedSequencer, d.contracts.rollup)).toBe(2n ** 256n - 1n);
      expect(await token.getFunction('balanceOf')(d.roles.trustedSequencer)).toBeGreaterThan(0n);
    } finally {
      provider.destroy();
    }
  }, 60_000);

  it('fails with a clear message when no node answers', async () => {
    await expect(
      run(process.execPath, [DEPLOY], { env: { ...process.env, L1_RPC_URL: 'http://127.0.0.1:9', L1_WAIT_FOR_NODE_MS: '300', L1_DEPLOYMENT_FILE: join(dir, 'x.json') } }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('no L1 node answering at http://127.0.0.1:9') });
  });
});
