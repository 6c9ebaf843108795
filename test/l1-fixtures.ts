// Shared set-up of the contract tests: a hardhat node per test file, dev signers, deployment,
// and a revert matcher that names the custom error.
import { Wallet, type ContractTransactionResponse, type JsonRpcProvider, type TransactionReceipt } from 'ethers';
import { contractAt, decodeRevert, deploySystem, devAccount, fundFees, startL1Node, type DeployOptions, type DeployedSystem, type L1Node } from '@zkseq/contracts';

export type Fixture = {
  node: L1Node;
  provider: JsonRpcProvider;
  admin: Wallet;
  sequencer: Wallet;
  user: Wallet;
  system: DeployedSystem;
};

export async function startFixture(o: Partial<Omit<DeployOptions, 'deployer' | 'trustedSequencer'>> = {}): Promise<Fixture> {
  const node = await startL1Node({ blockTimeMs: 0 });
  const provider = node.provider();
  const [admin, sequencer, user] = [0, 1, 2].map((i) => new Wallet(devAccount(i).privateKey, provider));
  const system = await deploySystem({ deployer: admin, trustedSequencer: sequencer.address, l2ChainId: 1001n, ...o });
  await fundFees({ tokenOwner: admin, holder: sequencer, feeToken: system.feeToken, rollup: system.rollup, amount: 10n ** 24n });
  return { node, provider, admin, sequencer, user, system };
}

export async function stopFixture(f: Fixture | undefined): Promise<void> {
  if (!f) return;
  f.provider.destroy();
  await f.node.stop();
}

/** The rollup as `signer` sees it; the harness ABI is a superset of the production one. */
export const rollupAs = (f: Fixture, signer: Wallet) => contractAt('ZkEvmRollupHarness', f.system.rollup, signer);
export const gerAs = (f: Fixture, signer: Wallet) => contractAt('GlobalExitRootManager', f.system.globalExitRootManager, signer);
export const tokenAs = (f: Fixture, signer: Wallet) => contractAt('FeeToken', f.system.feeToken, signer);

/** Sends and waits; throws when the transaction reverted. */
export async function mined(p: Promise<{ hash: string; wait(): Promise<TransactionReceipt | null> }>): Promise<TransactionReceipt> {
  const tx = await p;
  const r = await tx.wait();
  if (!r || r.status !== 1) throw new Error(`transaction ${tx.hash} reverted`);
  return r;
}

/** Resolves to the decoded revert reason of a call that must fail (estimation rejects it). */
export async function revertReason(p: Promise<unknown>): Promise<string> {
  try {
    const res = await p;
    if (res && typeof res === 'object' && 'wait' in res) await (res as ContractTransactionResponse).wait();
  } catch (err) {
    const data = (err as { data?: string }).data ?? (err as { info?: { error?: { data?: string } } }).info?.error?.data;
    return decodeRevert(data);
  }
  throw new Error('expected a revert, but the transaction succeeded');
}

export async function latestTimestamp(f: Fixture): Promise<bigint> {
  return BigInt((await f.provider.getBlock('latest'))!.timestamp);
}
