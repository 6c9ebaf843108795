import { Interface, Wallet } from 'ethers';
import { ethRawTx, fromHex, keccak256, signTx, toHex, type TxFields } from '@zkseq/batch';

export type TxKind = 'eth' | 'erc20';
/**
 * `ethers`: Wallet.signTransaction end to end (about 1.2 ms of CPU per transaction here);
 * `native`: the same legacy EIP-155 transaction signed with the native secp256k1 binding
 * (@zkseq/batch, about 80 µs), so the client does not take a core from the services it measures.
 */
export type SignerKind = 'native' | 'ethers';

export type SignedTx = { raw: string; hash: string; kind: TxKind; nonce: number };

export const ETH_TRANSFER_GAS = 21_000n;
/** transfer(address,uint256) of the devnet token costs about 35k-52k; the rest is refunded. */
export const ERC20_TRANSFER_GAS = 90_000n;

const erc20 = new Interface(['function transfer(address to, uint256 amount) returns (bool)']);

export type TxSignerOptions = { chainId: number; gasPrice: bigint; signer: SignerKind; token?: string };

/** Builds and signs the load's legacy transactions (fork 6 has no typed transactions). */
export class TxSigner {
  private readonly keys = new Map<string, Uint8Array>();
  private readonly wallets = new Map<string, Wallet>();

  constructor(private readonly o: TxSignerOptions) {}

  async sign(from: { privateKey: string }, nonce: number, kind: TxKind, to: string): Promise<SignedTx> {
    if (kind === 'erc20' && !this.o.token) throw new Error('ERC-20 transfers need a token address');
    const target = kind === 'eth' ? to : this.o.token!;
    const data = kind === 'eth' ? '0x' : erc20.encodeFunctionData('transfer', [to, 1n]);
    const value = kind === 'eth' ? 1n : 0n;
    const gasLimit = kind === 'eth' ? ETH_TRANSFER_GAS : ERC20_TRANSFER_GAS;
    let raw: string;
    if (this.o.signer === 'ethers') {
      let w = this.wallets.get(from.privateKey);
      if (!w) this.wallets.set(from.privateKey, (w = new Wallet(from.privateKey)));
      raw = await w.signTransaction({ type: 0, chainId: this.o.chainId, nonce, gasPrice: this.o.gasPrice, gasLimit, to: target, value, data });
    } else {
      let key = this.keys.get(from.privateKey);
      if (!key) this.keys.set(from.privateKey, (key = fromHex(from.privateKey)));
      const fields: TxFields = { nonce: BigInt(nonce), gasPrice: this.o.gasPrice, gasLimit, to: fromHex(target), value, data: fromHex(data), chainId: BigInt(this.o.chainId) };
      raw = toHex(ethRawTx(fields, signTx(fields, key)));
    }
    return { raw, hash: toHex(keccak256(fromHex(raw))), kind, nonce };
  }
}
