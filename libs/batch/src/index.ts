export { bytesEqual, concatBytes, fromHex, readUint, toHex, uintToBytes, uintToFixed } from './bytes';
export { keccak256 } from './keccak';
export { rlpDecode, rlpEncode, type RlpItem } from './rlp';
export { byteLength, decodeBatchL2Data, type BatchTx, type DecodeResult } from './decode';
export {
  batchTxToEthRawTx,
  decodeEthRawTx,
  encodeBatchTx,
  ethRawTx,
  ethRawTxToBatchTx,
  signingHash,
  signingPayload,
  txHash,
  type BatchSignature,
  type TxFields,
} from './tx';
export { privateKeyToAddress, publicKeyToAddress, recoverAddress, recoverSender, signTx, SECP256K1_N } from './signer';
export { accInputHash, batchHashData } from './hashes';
export { effectiveGasPrice, intrinsicGas, TX_GAS_LIMIT } from './gas';
