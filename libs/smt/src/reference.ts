import { poseidon, Z4, type H4 } from '@zkseq/poseidon';
import { valueLimbs } from './keys';

/**
 * The canonical root of a key/value set built from scratch (spec 2.4), with bigints and plain
 * recursion: the cross-check for the batched incremental tree.
 */
export function referenceRoot(entries: ReadonlyMap<string, { key: H4; value: bigint }> | readonly { key: H4; value: bigint }[]): H4 {
  const list = [...(entries instanceof Map ? entries.values() : (entries as readonly { key: H4; value: bigint }[]))].filter((e) => e.value !== 0n);
  return build(list, 0);
}

const bit = (k: H4, level: number) => Number((k[level % 4] >> BigInt(Math.floor(level / 4))) & 1n);

function build(list: { key: H4; value: bigint }[], depth: number): H4 {
  if (list.length === 0) return [...Z4] as H4;
  if (list.length === 1) {
    const { key, value } = list[0];
    const rk = key.map((w, i) => w >> BigInt(Math.floor(depth / 4) + (i < depth % 4 ? 1 : 0)));
    return poseidon([...rk, ...poseidon(valueLimbs(value), Z4)], [1n, 0n, 0n, 0n]);
  }
  const l = build(list.filter((e) => bit(e.key, depth) === 0), depth + 1);
  const r = build(list.filter((e) => bit(e.key, depth) === 1), depth + 1);
  return poseidon([...l, ...r], Z4);
}
