import type { H4 } from './field';
import { getWord, kernel } from './hash';

/**
 * The zkEVM contract code hash (spec 4, "linear Poseidon"): pad with 0x01, zeros to a multiple of
 * 56 bytes, OR 0x80 into the last byte; hash each 56-byte chunk as 8 little-endian 7-byte
 * elements with the previous digest as capacity.
 */
export function hashBytecode(code: Uint8Array): H4 {
  const len = Math.ceil((code.length + 1) / 56) * 56;
  const padded = new Uint8Array(len);
  padded.set(code);
  padded[code.length] = 0x01;
  padded[len - 1] |= 0x80;
  const state = new Uint32Array(24);
  const out = new Uint32Array(8);
  for (let off = 0; off < len; off += 56) {
    for (let g = 0; g < 8; g++) {
      const b = off + 7 * g;
      state[2 * g] = (padded[b] | (padded[b + 1] << 8) | (padded[b + 2] << 16) | (padded[b + 3] << 24)) >>> 0;
      state[2 * g + 1] = padded[b + 4] | (padded[b + 5] << 8) | (padded[b + 6] << 16);
    }
    state.set(out, 16); // previous digest (zero at first) as the capacity
    kernel.hash(state, out);
  }
  return [getWord(out, 0), getWord(out, 1), getWord(out, 2), getWord(out, 3)];
}
