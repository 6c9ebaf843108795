import { concatBytes, uintToFixed } from './bytes';
import { keccak256 } from './keccak';

export function batchHashData(batchL2Data: Uint8Array): Uint8Array {
  return keccak256(batchL2Data);
}

/**
 * Pre-etrog accumulated input hash: keccak256(oldAccInputHash ‖ batchHashData ‖ GER ‖
 * timestamp (uint64 BE) ‖ sequencer) over 124 tightly packed bytes.
 */
export function accInputHash(oldAccInputHash: Uint8Array, batchHash: Uint8Array, globalExitRoot: Uint8Array, timestamp: bigint, sequencer: Uint8Array): Uint8Array {
  if (oldAccInputHash.length !== 32 || batchHash.length !== 32 || globalExitRoot.length !== 32) throw new Error('hashes must be 32 bytes');
  if (sequencer.length !== 20) throw new Error('sequencer must be 20 bytes');
  return keccak256(concatBytes(oldAccInputHash, batchHash, globalExitRoot, uintToFixed(timestamp, 8), sequencer));
}
