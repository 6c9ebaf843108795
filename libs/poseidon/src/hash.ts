import { fe, Z4, type H4 } from './field';
import { loadKernel, type Kernel } from './kernel';

/** The process-wide kernel (see loadKernel for the choice). */
export const kernel: Kernel = loadKernel();

const stateBuf = new Uint32Array(24);
const outBuf = new Uint32Array(8);

/** Writes a 64-bit word (any bigint; reduced by the kernel when >= p) at word index `i` of `buf`. */
export function putWord(buf: Uint32Array, i: number, x: bigint): void {
  const v = BigInt.asUintN(64, x);
  buf[2 * i] = Number(v & 0xffffffffn);
  buf[2 * i + 1] = Number(v >> 32n);
}

export function getWord(buf: Uint32Array, i: number): bigint {
  return (BigInt(buf[2 * i + 1]) << 32n) | BigInt(buf[2 * i]);
}

/** Poseidon H(inputs[8], capacity[4]) -> 4 elements, with bigint conveniences. Inputs are reduced mod p first. */
export function poseidon(inputs: readonly bigint[], capacity: readonly bigint[] = Z4): H4 {
  if (inputs.length !== 8 || capacity.length !== 4) throw new RangeError('poseidon takes 8 inputs and 4 capacity elements');
  for (let i = 0; i < 8; i++) putWord(stateBuf, i, fe64(inputs[i]));
  for (let i = 0; i < 4; i++) putWord(stateBuf, 8 + i, fe64(capacity[i]));
  kernel.hash(stateBuf, outBuf);
  return [getWord(outBuf, 0), getWord(outBuf, 1), getWord(outBuf, 2), getWord(outBuf, 3)];
}

// Values outside [0, 2^64) must be reduced exactly, not truncated.
function fe64(x: bigint): bigint {
  return x >= 0n && x < 1n << 64n ? x : fe(x);
}
