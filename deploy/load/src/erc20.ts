import { ContractFactory, Interface, Wallet, type JsonRpcProvider } from 'ethers';
import { loadArtifact } from '@zkseq/contracts';

export type TokenSetup = { address: string; minted: number };

/**
 * Deploys an ERC-20 on L2 (the FeeToken contract of libs/contracts: a plain token its deployer
 * mints) from `deployer` and mints `amount` to every holder, at most `window` mint transactions
 * in flight (the pool admits 16 pending transactions per sender).
 */
export async function deployToken(provider: JsonRpcProvider, deployerKey: string, holders: string[], amount: bigint, gasPrice: bigint, window = 16): Promise<TokenSetup> {
  const deployer = new Wallet(deployerKey, provider);
  const artifact = loadArtifact('FeeToken');
  const factory = new ContractFactory(artifact.abi, artifact.bytecode, deployer);
  const deployTx = await factory.getDeployTransaction('zkseq load token', 'LOAD');
  const sent = await deployer.sendTransaction({ ...deployTx, type: 0, gasPrice, gasLimit: 2_000_000n });
  const receipt = await sent.wait();
  if (!receipt || receipt.status !== 1 || !receipt.contractAddress) throw new Error(`token deployment failed (tx ${sent.hash})`);
  const address = receipt.contractAddress;
  const iface = new Interface(artifact.abi);
  let nonce = await provider.getTransactionCount(deployer.address, 'pending');
  for (let i = 0; i < holders.length; i += window) {
    const chunk = holders.slice(i, i + window);
    const txs = await Promise.all(
      chunk.map((h) => deployer.sendTransaction({ to: address, data: iface.encodeFunctionData('mint', [h, amount]), type: 0, gasPrice, gasLimit: 120_000n, nonce: nonce++ })),
    );
    const receipts = await Promise.all(txs.map((t) => t.wait()));
    const bad = receipts.findIndex((r) => !r || r.status !== 1);
    if (bad >= 0) throw new Error(`mint to ${chunk[bad]} failed (tx ${txs[bad].hash})`);
  }
  return { address, minted: holders.length };
}
