import { decodeEthRawTx, encodeBatchTx, intrinsicGas, keccak256, recoverAddress, SECP256K1_N, signingHash, toHex, TX_GAS_LIMIT } from '@zkseq/batch';
import { CodedError, PoolErrorCode } from '@zkseq/errors';
import type { Hex, NewPoolTx } from '@zkseq/pooldb';

export type StatelessRules = {
  chainId: number;
  /** Encoded transaction size limit (zkevm-node: 100,132 bytes). */
  maxTxBytes: number;
  /** Call data size limit (100,000 bytes). */
  maxDataBytes: number;
  minGasPrice: bigint;
};

/** A transaction that passed every check that needs no state, ready for the state checks. */
export type CheckedTx = Omit<NewPoolTx, 'receivedAt'> & { cost: bigint };

const TYPE_NAMES: Record<number, string> = { 1: 'access list (EIP-2930)', 2: 'dynamic fee (EIP-1559)', 3: 'blob (EIP-4844)', 4: 'set code (EIP-7702)' };

/**
 * The stateless admission checks, in the order a client most needs to hear about them: size,
 * envelope type, RLP, data size, chain id, gas limit bounds, minimum gas price, signature.
 * Errors carry geth's tx pool messages where geth has one.
 */
export function checkStateless(raw: Uint8Array, rules: StatelessRules): CheckedTx {
  if (raw.length > rules.maxTxBytes) {
    throw new CodedError(PoolErrorCode.OversizedData, `oversized data: transaction size ${raw.length}, limit ${rules.maxTxBytes}`, {
      size: raw.length, limit: rules.maxTxBytes,
    });
  }
  if (raw.length > 0 && raw[0] < 0x80) {
    const type = raw[0];
    throw new CodedError(PoolErrorCode.TxTypeNotSupported, 'transaction type not supported', {
      type, detail: `${TYPE_NAMES[type] ?? `type ${type}`} transactions do not exist at fork 6: send a legacy transaction (e.g. type: 0 / legacy gas price)`,
    });
  }
  let decoded: ReturnType<typeof decodeEthRawTx>;
  try {
    decoded = decodeEthRawTx(raw);
  } catch (err) {
    throw new CodedError(PoolErrorCode.InvalidRlp, `invalid rlp: ${(err as Error).message}`);
  }
  const { tx, sig } = decoded;
  if (tx.data.length > rules.maxDataBytes) {
    throw new CodedError(PoolErrorCode.OversizedData, `oversized data: data size ${tx.data.length}, limit ${rules.maxDataBytes}`, {
      dataSize: tx.data.length, limit: rules.maxDataBytes,
    });
  }
  if (tx.chainId !== null && tx.chainId !== BigInt(rules.chainId)) {
    throw new CodedError(PoolErrorCode.InvalidChainId, `invalid chain id for signer: have ${tx.chainId} want ${rules.chainId}`, {
      have: tx.chainId.toString(), want: rules.chainId,
    });
  }
  if (tx.gasLimit > TX_GAS_LIMIT) {
    throw new CodedError(PoolErrorCode.GasLimitTooHigh, `exceeds block gas limit: gas ${tx.gasLimit}, limit ${TX_GAS_LIMIT}`, {
      gas: tx.gasLimit.toString(), limit: Number(TX_GAS_LIMIT),
    });
  }
  const intrinsic = intrinsicGas(tx.data, tx.to === null);
  if (tx.gasLimit < intrinsic) {
    throw new CodedError(PoolErrorCode.IntrinsicGas, `intrinsic gas too low: gas ${tx.gasLimit}, minimum needed ${intrinsic}`, {
      gas: tx.gasLimit.toString(), minimum: intrinsic.toString(),
    });
  }
  if (tx.gasPrice < rules.minGasPrice) {
    throw new CodedError(PoolErrorCode.Underpriced, `transaction underpriced: gas price ${tx.gasPrice}, minimum needed ${rules.minGasPrice}`, {
      gasPrice: tx.gasPrice.toString(), minimum: rules.minGasPrice.toString(),
    });
  }
  const sender = recoverAddress(signingHash(tx), sig.r, sig.s, sig.v);
  if (sender === null) {
    throw new CodedError(PoolErrorCode.InvalidSignature, 'invalid sender', { detail: signatureProblem(sig.r, sig.s) });
  }
  return {
    hash: toHex(keccak256(raw)) as Hex,
    from: toHex(sender) as Hex,
    to: tx.to ? (toHex(tx.to) as Hex) : null,
    // Safe: the pool's nonce window rejects anything near 2^53 before it is stored.
    nonce: Number(tx.nonce),
    gasPrice: tx.gasPrice,
    gasLimit: Number(tx.gasLimit),
    value: tx.value,
    chainId: tx.chainId === null ? null : Number(tx.chainId),
    raw: toHex(raw) as Hex,
    l2Data: toHex(encodeBatchTx(tx, sig)) as Hex,
    size: raw.length,
    dataSize: tx.data.length,
    intrinsicGas: Number(intrinsic),
    cost: tx.gasLimit * tx.gasPrice + tx.value,
  };
}

const HALF_N = SECP256K1_N / 2n;

function signatureProblem(r: bigint, s: bigint): string {
  if (r === 0n || s === 0n) return 'r and s must be non-zero';
  if (s > HALF_N) return 's is in the upper half of the curve order (only low-s signatures are valid)';
  return 'the signature does not recover a public key';
}
