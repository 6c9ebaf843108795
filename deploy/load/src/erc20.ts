import { readFileSync } from 'node:fs';
import { ContractFactory, Interface, Wallet, type InterfaceAbi, type JsonRpcProvider, type TransactionReceipt } from 'ethers';

type Compiled = { abi: InterfaceAbi; bytecode: string };
let compiled: Compiled | undefined;

/**
 * libs/contracts' FeeToken (a plain ERC-20 its deployer mints) compiled for the L2: fork 6
 * executes Berlin opcodes (plus PUSH0), while the L1 artifacts target Cancun, whose init code uses
 * MCOPY. solc-js compiles the one file in a second or two.
 */
export function l2TokenArtifact(): Compiled {
  if (compiled) return compiled;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require('solc') as { compile(input: string): string };
  const source = readFileSync(require.resolve('@zkseq/contracts/contracts/FeeToken.sol'), 'utf8');
  const input = {
    language: 'Solidity',
    sources: { 'FeeToken.sol': { content: source } },
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'berlin', outputSelection: { '*': { FeeToken: ['abi', 'evm.bytecode.object'] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: InterfaceAbi; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`compiling the L2 token failed: ${errors.map((e) => e.formattedMessage).join('\n')}`);
  const c = out.contracts['FeeToken.sol'].FeeToken;
  compiled = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
  return compiled;
}

/**
 * Polls for a receipt. (TransactionResponse.wait() leaves a block subscription behind whose
 * request fails unhandled when the provider is destroyed right after.)
 */
export async function waitReceipt(provider: JsonRpcProvider, hash: string, timeoutMs = 120_000): Promise<TransactionReceipt> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await provider.getTransactionReceipt(hash);
    if (r) return r;
    if (Date.now() > deadline) throw new Error(`no receipt for ${hash} within ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

export type TokenSetup = { address: string; minted: number };

/**
 * Deploys an ERC-20 on L2 (see l2TokenArtifact) from `deployer` and mints `amount` to every
 * holder, at most `window` mint transactions in flight (the pool admits 16 pending transactions per sender).
 */
export async function deployToken(provider: JsonRpcProvider, deployerKey: string, holders: string[], amount: bigint, gasPrice: bigint, window = 16): Promise<TokenSetup> {
  const deployer = new Wallet(deployerKey, provider);
  const artifact = l2TokenArtifact();
  const factory = new ContractFactory(artifact.abi, artifact.bytecode, deployer);
  const deployTx = await factory.getDeployTransaction('zkseq load token', 'LOAD');
  const sent = await deployer.sendTransaction({ ...deployTx, type: 0, gasPrice, gasLimit: 2_000_000n });
  const receipt = await waitReceipt(provider, sent.hash);
  if (!receipt || receipt.status !== 1 || !receipt.contractAddress) throw new Error(`token deployment failed (tx ${sent.hash})`);
  const address = receipt.contractAddress;
  const iface = new Interface(artifact.abi);
  let nonce = await provider.getTransactionCount(deployer.address, 'pending');
  for (let i = 0; i < holders.length; i += window) {
    const chunk = holders.slice(i, i + window);
    const txs = await Promise.all(
      chunk.map((h) => deployer.sendTransaction({ to: address, data: iface.encodeFunctionData('mint', [h, amount]), type: 0, gasPrice, gasLimit: 120_000n, nonce: nonce++ })),
    );
    const receipts = await Promise.all(txs.map((t) => waitReceipt(provider, t.hash)));
    const bad = receipts.findIndex((r) => !r || r.status !== 1);
    if (bad >= 0) throw new Error(`mint to ${chunk[bad]} failed (tx ${txs[bad].hash})`);
  }
  return { address, minted: holders.length };
}
