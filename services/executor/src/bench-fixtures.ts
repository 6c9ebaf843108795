// Workloads shared by the executor benchmarks: funded accounts, signed transfer and ERC-20 batches.
import { encodeBatchTx, keccak256, privateKeyToAddress, signTx, toHex, type TxFields } from '@zkseq/batch';
import type { H4 } from '@zkseq/poseidon';
import type { ProcessBatchInput } from './types';

export const CHAIN_ID = 1000n;
export const COINBASE = '0x617b3a3528f9cdd6630fd3301b9c8911f7bf063d';
export const GWEI = 1_000_000_000n;

export type Wallet = { key: Uint8Array; address: string };

export function wallets(n: number, seed: string): Wallet[] {
  return Array.from({ length: n }, (_, i) => {
    const key = keccak256(Buffer.from(`${seed}-${i}`));
    return { key, address: toHex(privateKeyToAddress(key)) };
  });
}

export function signed(w: Wallet, tx: Omit<TxFields, 'chainId' | 'gasPrice'>): Uint8Array {
  const fields: TxFields = { ...tx, gasPrice: GWEI, chainId: CHAIN_ID };
  return encodeBatchTx(fields, signTx(fields, w.key));
}

export function batchInput(root: H4, data: Uint8Array, batchNum: bigint, noCounters = false): ProcessBatchInput {
  return {
    oldStateRoot: root,
    oldAccInputHash: new Uint8Array(32),
    oldBatchNum: batchNum,
    chainId: CHAIN_ID,
    forkId: 6,
    batchL2Data: data,
    globalExitRoot: new Uint8Array(32),
    timestamp: 1_700_000_000n + batchNum,
    coinbase: COINBASE,
    updateMerkleTree: true,
    noCounters,
  };
}

/** `rounds` batches of one ETH transfer from each sender (nonce = round) to a fixed receiver. */
export function transferBatches(senders: Wallet[], receivers: Wallet[], rounds: number, firstNonce = 0n): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let r = 0; r < rounds; r++) {
    out.push(Buffer.concat(senders.map((s, i) => signed(s, { nonce: firstNonce + BigInt(r), gasLimit: 21_000n, to: Buffer.from(receivers[i].address.slice(2), 'hex'), value: 1n, data: new Uint8Array(0) }))));
  }
  return out;
}

/** ABI call data for transfer(address,uint256). */
export function erc20Transfer(to: string, amount: bigint): Uint8Array {
  return Buffer.from(`a9059cbb${to.slice(2).padStart(64, '0')}${amount.toString(16).padStart(64, '0')}`, 'hex');
}
