import { MDS_CIRC, MDS_DIAG, ROUND_CONSTANTS, HALF_FULL_ROUNDS, PARTIAL_ROUNDS } from './constants';
import { fe, P, pow7, Z4, type H4 } from './field';

const MDS: bigint[][] = Array.from({ length: 12 }, (_, i) =>
  Array.from({ length: 12 }, (_, j) => BigInt(MDS_CIRC[(j - i + 12) % 12] + (i === j ? MDS_DIAG[i] : 0))),
);

/**
 * The spec's reference form (1.3), in BigInt: slow (a few thousand hashes per second) but
 * obviously right. The fast kernels are checked against it.
 */
export function poseidonReference(inputs: readonly bigint[], capacity: readonly bigint[] = Z4): H4 {
  if (inputs.length !== 8 || capacity.length !== 4) throw new RangeError('poseidon takes 8 inputs and 4 capacity elements');
  let s = [...inputs, ...capacity].map(fe);
  const rounds = 2 * HALF_FULL_ROUNDS + PARTIAL_ROUNDS;
  for (let r = 0; r < rounds; r++) {
    s = s.map((x, i) => (x + ROUND_CONSTANTS[12 * r + i]) % P);
    if (r < HALF_FULL_ROUNDS || r >= HALF_FULL_ROUNDS + PARTIAL_ROUNDS) s = s.map(pow7);
    else s[0] = pow7(s[0]);
    s = MDS.map((row) => row.reduce((acc, m, j) => acc + m * s[j], 0n) % P);
  }
  return [s[0], s[1], s[2], s[3]];
}
