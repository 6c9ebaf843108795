export const TX_GAS_LIMIT = 30_000_000n;

/** floor(gasPrice * (effectivePercentage + 1) / 256); 255 gives the full price. */
export function effectiveGasPrice(gasPrice: bigint, effectivePercentage: number): bigint {
  return (gasPrice * BigInt(effectivePercentage + 1)) / 256n;
}

/** 21000 (53000 for creation) + 4 per zero byte + 16 per non-zero byte; no access lists, no EIP-3860. */
export function intrinsicGas(data: Uint8Array, isCreate: boolean): bigint {
  let zeros = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) zeros++;
  return BigInt((isCreate ? 53000 : 21000) + zeros * 4 + (data.length - zeros) * 16);
}
