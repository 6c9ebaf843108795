import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { H4 } from '@zkseq/poseidon';
import { HashDb } from './hashdb';
import { LevelBackend, type LevelBackendOptions } from './level-backend';
import type { LeafChange } from './api';
import { writeH4 } from './h4';
import { warmTree } from './tree';

/** xorshift32: reproducible benchmark data. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/** A uniformly random state-tree key (each word < p, like a Poseidon output). */
export function randomKey(next: () => number): H4 {
  const w = () => ((BigInt(next()) << 32n) | BigInt(next())) % 0xffffffff00000001n;
  return [w(), w(), w(), w()];
}

/**
 * Benchmark fixture: a LevelDB tree of `leaves` random keys in `dir`, built once and reused (the
 * root and key seed are kept in dir/bench.json). Returns the open HashDb and the root.
 */
export async function openBenchTree(dir: string, leaves: number, opts: LevelBackendOptions = {}, log: (m: string) => void = () => {}): Promise<{ db: HashDb; root: H4 }> {
  const meta = join(dir, 'bench.json');
  if (existsSync(meta)) {
    const m = JSON.parse(readFileSync(meta, 'utf8')) as { root: string[]; leaves: number };
    if (m.leaves === leaves) {
      const backend = await LevelBackend.open(dir, { prefault: true, ...opts });
      const root = m.root.map(BigInt) as H4;
      const rootBuf = new Uint32Array(8);
      writeH4(rootBuf, 0, root);
      log(`  cache warmed with ${await warmTree(backend, rootBuf, opts.cacheNodes ?? 2_000_000)} nodes of the tree`);
      return { db: new HashDb(backend), root };
    }
  }
  mkdirSync(dir, { recursive: true });
  const db = new HashDb(await LevelBackend.open(dir, opts));
  const next = prng(leaves);
  let root: H4 = [0n, 0n, 0n, 0n];
  const chunk = 50_000;
  const t0 = performance.now();
  for (let done = 0; done < leaves; done += chunk) {
    const changes: LeafChange[] = [];
    for (let i = 0; i < Math.min(chunk, leaves - done); i++) changes.push({ key: randomKey(next), value: BigInt(next()) + 1n });
    root = await db.apply(root, changes);
    log(`  built ${done + changes.length} leaves (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  await db.flush({ wait: true });
  writeFileSync(meta, JSON.stringify({ leaves, root: root.map(String) }));
  return { db, root };
}

/** The keys of a tree built by openBenchTree, regenerated from its seed (for reads and updates of existing leaves). */
export function benchTreeKeys(leaves: number, count: number): H4[] {
  const next = prng(leaves);
  const keys: H4[] = [];
  const stride = Math.max(1, Math.floor(leaves / count));
  for (let i = 0; i < leaves && keys.length < count; i++) {
    const k = randomKey(next);
    next();
    if (i % stride === 0) keys.push(k);
  }
  return keys;
}
