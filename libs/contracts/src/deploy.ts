import { Contract, ContractFactory, getCreateAddress, parseEther, type Signer } from 'ethers';
import { loadArtifact, type ContractName } from './artifacts';
import { ZERO_HASH, type Hex } from './rollup';

export type DeployOptions = {
  /** Pays for and sends every deployment transaction; also owns the fee token. */
  deployer: Signer;
  trustedSequencer: string;
  /** Defaults to the deployer. */
  admin?: string;
  /** The account allowed to post global exit roots (stands in for the bridge); defaults to the deployer. */
  globalExitRootUpdater?: string;
  l2ChainId: bigint;
  forkId?: bigint;
  genesisRoot?: Hex;
  /** Fee-token wei per non-forced batch; forcing a batch costs 100 times this. */
  batchFee?: bigint;
  /** Seconds after which anyone may sequence a forced batch; at most one week. */
  forceBatchTimeout?: bigint;
  networkName?: string;
  activateForcedBatches?: boolean;
  /** Test only: deploy ZkEvmRollupHarness, whose admin can move the sequence head. */
  harness?: boolean;
};

export type DeployedSystem = {
  rollup: Hex;
  globalExitRootManager: Hex;
  feeToken: Hex;
  /** Block of the rollup's creation: where an L1 synchronizer starts reading. */
  blockNumber: number;
  blockHash: Hex;
  timestamp: number;
};

export const DEFAULT_BATCH_FEE = parseEther('0.1');
export const DEFAULT_FORCE_BATCH_TIMEOUT = 5n * 24n * 3600n;

/** An ethers Contract bound to one of our artifacts. */
export function contractAt(name: ContractName, address: string, runner: Signer | null): Contract {
  return new Contract(address, loadArtifact(name).abi, runner);
}

/**
 * Deploys fee token, global exit root manager and rollup (genesis: batch 0, accInputHash 0,
 * the given L2 genesis root). The transactions are sent back to back with explicit nonces, so
 * an interval-mined chain needs about one block for all of them.
 */
export async function deploySystem(o: DeployOptions): Promise<DeployedSystem> {
  const from = await o.deployer.getAddress();
  let nonce = await o.deployer.getNonce('pending');
  const factory = (name: ContractName) => {
    const a = loadArtifact(name);
    return new ContractFactory(a.abi, a.bytecode, o.deployer);
  };
  const tokenAddress = getCreateAddress({ from, nonce });
  const gerAddress = getCreateAddress({ from, nonce: nonce + 1 });
  const sent = [];
  sent.push(await factory('FeeToken').getDeployTransaction('zkseq fee token', 'ZKFEE').then((tx) => o.deployer.sendTransaction({ ...tx, nonce: nonce++ })));
  sent.push(await factory('GlobalExitRootManager').getDeployTransaction(o.globalExitRootUpdater ?? from).then((tx) => o.deployer.sendTransaction({ ...tx, nonce: nonce++ })));
  const rollupAddress = getCreateAddress({ from, nonce });
  const params = {
    globalExitRootManager: gerAddress,
    feeToken: tokenAddress,
    chainID: o.l2ChainId,
    forkID: o.forkId ?? 6n,
    admin: o.admin ?? from,
    trustedSequencer: o.trustedSequencer,
    genesisRoot: o.genesisRoot ?? ZERO_HASH,
    batchFee: o.batchFee ?? DEFAULT_BATCH_FEE,
    forceBatchTimeout: o.forceBatchTimeout ?? DEFAULT_FORCE_BATCH_TIMEOUT,
    networkName: o.networkName ?? 'zkseq',
  };
  const rollupTx = await factory(o.harness ? 'ZkEvmRollupHarness' : 'ZkEvmRollup').getDeployTransaction(params);
  const rollupSent = await o.deployer.sendTransaction({ ...rollupTx, nonce: nonce++ });
  sent.push(rollupSent);
  if (o.activateForcedBatches && (o.admin === undefined || o.admin.toLowerCase() === from.toLowerCase())) {
    const data = contractAt('ZkEvmRollup', rollupAddress, null).interface.encodeFunctionData('activateForceBatches');
    sent.push(await o.deployer.sendTransaction({ to: rollupAddress, data, nonce: nonce++ }));
  }
  for (const tx of sent) {
    const r = await tx.wait();
    if (!r || r.status !== 1) throw new Error(`deployment transaction ${tx.hash} failed`);
  }
  const receipt = (await rollupSent.wait())!;
  const block = (await o.deployer.provider!.getBlock(receipt.blockNumber))!;
  return {
    rollup: rollupAddress as Hex,
    globalExitRootManager: gerAddress as Hex,
    feeToken: tokenAddress as Hex,
    blockNumber: receipt.blockNumber,
    blockHash: receipt.blockHash as Hex,
    timestamp: block.timestamp,
  };
}

/**
 * Gives `holder` fee tokens (minted by the token owner) and lets the rollup spend them without
 * limit, so a sequencer can pay batch fees or a user can force batches.
 */
export async function fundFees(o: { tokenOwner: Signer; holder: Signer; feeToken: string; rollup: string; amount: bigint }): Promise<void> {
  const holder = await o.holder.getAddress();
  const mint = await contractAt('FeeToken', o.feeToken, o.tokenOwner).getFunction('mint')(holder, o.amount);
  const approve = await contractAt('FeeToken', o.feeToken, o.holder).getFunction('approve')(o.rollup, 2n ** 256n - 1n);
  for (const tx of [mint, approve]) {
    const r = await tx.wait();
    if (!r || r.status !== 1) throw new Error(`fee funding transaction ${tx.hash} failed`);
  }
}
