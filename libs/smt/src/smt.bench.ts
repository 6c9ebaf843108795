// `pnpm bench smt`: 1,000-leaf change sets (half updates of existing leaves, half inserts) applied
// to LevelDB-backed trees of 10k, 100k and 1M leaves, flushed to disk at the end. Trees are built
// once under .bench/ (git-ignored) and reused.
import { join } from 'node:path';
import { note, report } from '@zkseq/bench';
import { benchTreeKeys, openBenchTree, prng, randomKey } from './bench-tree';
import type { LeafChange } from './api';

const root = join(__dirname, '../../../.bench');
const sizes: [string, number][] = [['10k', 10_000], ['100k', 100_000], ['1m', 1_000_000]];

async function main() {
  for (const [label, leaves] of sizes) {
    note(`smt ${label}: opening/building ${join(root, `smt-${label}`)}`);
    const { db, root: base } = await openBenchTree(join(root, `smt-${label}`), leaves, { cacheNodes: 4_000_000 }, note);
    const existing = benchTreeKeys(leaves, 20_000);
    const next = prng(Date.now());
    const set = (): LeafChange[] =>
      Array.from({ length: 1000 }, (_, i) => ({ key: i % 2 ? existing[next() % existing.length] : randomKey(next), value: BigInt(next()) + 1n }));
    let cur = base;
    for (let w = 0; w < 3; w++) cur = await db.apply(cur, set()); // warm the cache
    const rounds = 20;
    const sets = Array.from({ length: rounds }, set);
    const t0 = performance.now();
    for (const s of sets) cur = await db.apply(cur, s);
    const applied = (performance.now() - t0) / 1000;
    await db.flush({ wait: true });
    const secs = (performance.now() - t0) / 1000;
    // The figure includes writing every new node to LevelDB; the second one shows the tree work alone.
    report(`smt.updates_per_s.${label}`, (rounds * 1000) / secs, 'updates/s');
    report(`smt.apply_only_updates_per_s.${label}`, (rounds * 1000) / applied, 'updates/s');
    await db.close();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
