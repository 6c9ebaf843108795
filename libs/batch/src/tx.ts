import type { BatchTx } from './decode';
import { concatBytes, readUint, uintToBytes, uintToFixed } from './bytes';
import { keccak256 } from './keccak';
import { rlpDecode, rlpEncode, type RlpItem } from './rlp';

/** Unsigned fields of a legacy transaction. `chainId` null = pre-EIP-155. */
export type TxFields = {
  nonce: bigint;
  gasPrice: bigint;
  gasLimit: bigint;
  to: Uint8Array | null;
  value: bigint;
  data: Uint8Array;
  chainId: bigint | null;
};

/** A signature in batch form: v = 27 + recovery id. */
export type BatchSignature = { r: bigint; s: bigint; v: number };

/** The signed RLP: 9 items for EIP-155, 6 items for pre-EIP-155. */
export function signingPayload(tx: TxFields): Uint8Array {
  const items: RlpItem[] = [uintToBytes(tx.nonce), uintToBytes(tx.gasPrice), uintToBytes(tx.gasLimit), tx.to ?? new Uint8Array(0), uintToBytes(tx.value), tx.data];
  if (tx.chainId !== null) items.push(uintToBytes(tx.chainId), new Uint8Array(0), new Uint8Array(0));
  return rlpEncode(items);
}

export function signingHash(tx: TxFields): Uint8Array {
  return keccak256(signingPayload(tx));
}

/** The batchL2Data entry: payload ‖ r ‖ s ‖ v ‖ effectivePercentage. */
export function encodeBatchTx(tx: TxFields, sig: BatchSignature, effectivePercentage = 255): Uint8Array {
  if (effectivePercentage < 0 || effectivePercentage > 255 || !Number.isInteger(effectivePercentage)) throw new Error('effectivePercentage must be a byte');
  return concatBytes(signingPayload(tx), uintToFixed(sig.r, 32), uintToFixed(sig.s, 32), Uint8Array.of(sig.v), Uint8Array.of(effectivePercentage));
}

function ethV(tx: TxFields, v: number): bigint {
  return tx.chainId === null ? BigInt(v) : BigInt(v - 27) + 35n + 2n * tx.chainId;
}

/** Standard signed legacy RLP `[nonce, gasPrice, gasLimit, to, value, data, v', r, s]`. */
export function ethRawTx(tx: TxFields, sig: BatchSignature): Uint8Array {
  return rlpEncode([
    uintToBytes(tx.nonce),
    uintToBytes(tx.gasPrice),
    uintToBytes(tx.gasLimit),
    tx.to ?? new Uint8Array(0),
    uintToBytes(tx.value),
    tx.data,
    uintToBytes(ethV(tx, sig.v)),
    uintToBytes(sig.r),
    uintToBytes(sig.s),
  ]);
}

/** The Ethereum transaction hash the node stores (the effective percentage is not part of it). */
export function txHash(tx: BatchTx | (TxFields & BatchSignature)): Uint8Array {
  return keccak256(ethRawTx(tx, tx));
}

/** Decodes a standard signed legacy transaction (typed envelopes are rejected). */
export function decodeEthRawTx(raw: Uint8Array): { tx: TxFields; sig: BatchSignature } {
  if (raw.length === 0 || raw[0] < 0xc0) throw new Error('not a legacy transaction (typed envelopes do not exist in fork 6)');
  const item = rlpDecode(raw);
  if (!Array.isArray(item) || item.length !== 9 || item.some((x) => !(x instanceof Uint8Array))) throw new Error('legacy tx must be a list of 9 strings');
  const f = item as Uint8Array[];
  const int = (x: Uint8Array, max: number, what: string) => {
    if (x.length > max) throw new Error(`${what} too long`);
    if (x.length > 0 && x[0] === 0) throw new Error(`${what} has leading zeros`);
    return readUint(x, 0, x.length);
  };
  if (f[3].length !== 0 && f[3].length !== 20) throw new Error('to must be empty or 20 bytes');
  const vEth = int(f[6], 32, 'v');
  let chainId: bigint | null;
  let v: number;
  if (vEth === 27n || vEth === 28n) {
    chainId = null;
    v = Number(vEth);
  } else if (vEth >= 35n) {
    chainId = (vEth - 35n) / 2n;
    v = 27 + Number((vEth - 35n) % 2n);
  } else {
    throw new Error(`invalid v ${vEth}`);
  }
  return {
    tx: {
      nonce: int(f[0], 8, 'nonce'),
      gasPrice: int(f[1], 32, 'gasPrice'),
      gasLimit: int(f[2], 8, 'gasLimit'),
      to: f[3].length === 0 ? null : f[3].slice(),
      value: int(f[4], 32, 'value'),
      data: f[5].slice(),
      chainId,
    },
    sig: { r: int(f[7], 32, 'r'), s: int(f[8], 32, 's'), v },
  };
}

/** Ethereum raw tx → batchL2Data entry (what a sequencer puts into a batch). */
export function ethRawTxToBatchTx(raw: Uint8Array, effectivePercentage = 255): Uint8Array {
  const { tx, sig } = decodeEthRawTx(raw);
  return encodeBatchTx(tx, sig, effectivePercentage);
}

/** batchL2Data entry → Ethereum raw tx. */
export function batchTxToEthRawTx(tx: BatchTx): Uint8Array {
  return ethRawTx(tx, tx);
}
