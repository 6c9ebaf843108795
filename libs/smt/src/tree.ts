import { CodedError, HashDbErrorCode } from '@zkseq/errors';
import { kernel } from '@zkseq/poseidon';
import { copyWords, equal8, isZero8, key8, pathBit, rejoinKey, remainingKey } from './bits';
import { KIND_LEAF, KIND_ZERO_CAP, NodeBatch, type NodeRecord, type NodeStore } from './store';

/**
 * Batched, canonical sparse Merkle tree updates (spec 2.4-2.5) over a NodeStore.
 *
 * A whole change set is applied at once. Descent goes level by level so each level's missing
 * nodes are fetched from the store in one call; the rebuilt part of the tree is then hashed
 * bottom-up, one kernel `hashMany` call per level for new leaves and one for branches, so every
 * touched node is hashed exactly once. The shape rules are applied structurally: a subtree
 * reduces to EMPTY, a single LEAF (which floats up to where it has a sibling) or a BRANCH, which
 * gives insert, update, delete-with-collapse and the canonical shape in one rule set.
 */

const EMPTY = 0;
const LEAF = 1;
const HASH = 2;

/** A child that no change reaches: its hash, and its record when a collapse may need it. */
class Unchanged {
  rec: NodeRecord | undefined = undefined;
  constructor(readonly slot: number) {}
}

class Item {
  left: Item | Unchanged | null = null;
  right: Item | Unchanged | null = null;
  /** Set items (no existing node below): the entries (<= 1 after splitting) of the subtree. */
  entries: number[] | null = null;
  res = EMPTY;
  /** LEAF: entry index; HASH: hash slot. */
  resRef = -1;
  /** Range of the change order array; `ref` is an entry whose key has this item's path prefix. */
  constructor(readonly depth: number, readonly lo: number, readonly hi: number, readonly slot: number, readonly ref: number) {}
}

/** Growable pools of 8-u32 hashes and 16-u32 leaf entries (key ‖ value hash). */
class Pools {
  hp = new Uint32Array(8 * 1024);
  hn = 1; // slot 0 is Z4
  ent = new Uint32Array(16 * 1024);
  en = 0;

  reset(): void {
    this.hp.fill(0, 0, 8);
    this.hn = 1;
    this.en = 0;
  }

  allocHashes(n: number): number {
    const need = (this.hn + n) * 8;
    if (need > this.hp.length) {
      const next = new Uint32Array(Math.max(need, this.hp.length * 2));
      next.set(this.hp);
      this.hp = next;
    }
    const base = this.hn;
    this.hn += n;
    return base;
  }

  hashSlot(src: Uint32Array, off: number): number {
    const s = this.allocHashes(1);
    copyWords(src, off, this.hp, s * 8, 8);
    return s;
  }

  allocEntry(): number {
    if ((this.en + 1) * 16 > this.ent.length) {
      const next = new Uint32Array(this.ent.length * 2);
      next.set(this.ent);
      this.ent = next;
    }
    return this.en++;
  }
}

/** Work buffer for kernel calls: `n` states of 24 u32. */
class Jobs {
  states = new Uint32Array(24 * 256);
  n = 0;

  reset(): void {
    this.n = 0;
  }

  /** Offset of a fresh zeroed state. */
  push(): number {
    if ((this.n + 1) * 24 > this.states.length) {
      const next = new Uint32Array(this.states.length * 2);
      next.set(this.states);
      this.states = next;
    }
    const off = this.n++ * 24;
    this.states.fill(0, off, off + 24);
    return off;
  }

  /** Hashes all states into consecutive new hash slots; records the nodes in `out` when given. */
  run(pools: Pools, out: NodeBatch | undefined, kind: number, stats: TreeStats): number {
    const base = pools.allocHashes(this.n);
    if (this.n > 0) kernel.hashMany(this.states, pools.hp.subarray(base * 8), this.n);
    stats.hashes += this.n;
    if (out) for (let j = 0; j < this.n; j++) out.add(pools.hp, (base + j) * 8, this.states, j * 24, kind);
    return base;
  }
}

export type TreeStats = { hashes: number; nodesLoaded: number };

/**
 * A change set in buffer form: `keys` n*8 u32; `values` n*16 u32, the 8 limbs of each uint256
 * as field elements (lo = limb, hi = 0).
 */
export type ChangeBuffers = { keys: Uint32Array; values: Uint32Array; n: number };

export async function applyChanges(
  store: NodeStore,
  root: Uint32Array,
  changes: ChangeBuffers,
  out: NodeBatch | undefined,
  stats: TreeStats = { hashes: 0, nodesLoaded: 0 },
): Promise<Uint32Array> {
  if (changes.n === 0) return root.slice(0, 8);
  // Work buffers are reused across calls (fresh memory is slow to touch); concurrent calls each take their own.
  const pools = freePools.pop() ?? new Pools();
  const jobs = freeJobs.pop() ?? new Jobs();
  pools.reset();
  try {
    return await update(store, root, changes, out, stats, pools, jobs);
  } finally {
    freePools.push(pools);
    freeJobs.push(jobs);
  }
}

const freePools: Pools[] = [];
const freeJobs: Jobs[] = [];

async function update(store: NodeStore, root: Uint32Array, changes: ChangeBuffers, out: NodeBatch | undefined, stats: TreeStats, pools: Pools, jobs: Jobs): Promise<Uint32Array> {
  // Last write of a key wins. Entries 0..m-1 are the distinct changes.
  const last = new Map<string, number>();
  for (let i = 0; i < changes.n; i++) last.set(key8(changes.keys, i * 8), i);
  const m = last.size;
  const order = new Int32Array(m);
  const zero = new Uint8Array(m);
  let anyZero = false;
  jobs.reset();
  const hashed: number[] = [];
  for (const i of last.values()) {
    const e = pools.allocEntry();
    order[e] = e;
    copyWords(changes.keys, i * 8, pools.ent, e * 16, 8);
    if (isZero8(changes.values, i * 16) && isZero8(changes.values, i * 16 + 8)) {
      zero[e] = 1;
      anyZero = true;
    } else {
      const off = jobs.push(); // may replace jobs.states
      copyWords(changes.values, i * 16, jobs.states, off, 16);
      hashed.push(e);
    }
  }
  const vbase = jobs.run(pools, out, KIND_ZERO_CAP, stats);
  hashed.forEach((e, j) => copyWords(pools.hp, (vbase + j) * 8, pools.ent, e * 16 + 8, 8));

  const levels: Item[][] = [];
  const register = (it: Item) => (levels[it.depth] ??= []).push(it);

  // A subtree with no stored node below it: split the entries until each side holds at most one.
  const fresh = (it: Item, list: number[]) => {
    register(it);
    if (list.length <= 1) {
      it.entries = list;
      return;
    }
    const l: number[] = [];
    const r: number[] = [];
    for (const e of list) (pathBit(pools.ent, e * 16, it.depth) ? r : l).push(e);
    it.left = new Item(it.depth + 1, 0, 0, -1, l[0] ?? r[0]);
    it.right = new Item(it.depth + 1, 0, 0, -1, r[0] ?? l[0]);
    fresh(it.left, l);
    fresh(it.right, r);
  };
  const nonZeroIn = (lo: number, hi: number) => {
    const list: number[] = [];
    for (let k = lo; k < hi; k++) if (!zero[order[k]]) list.push(order[k]);
    return list;
  };
  const hasZero = (lo: number, hi: number) => {
    if (!anyZero) return false;
    for (let k = lo; k < hi; k++) if (zero[order[k]]) return true;
    return false;
  };

  const rootSlot = pools.hashSlot(root, 0);
  const rootItem = new Item(0, 0, m, rootSlot, order[0]);
  let frontier: Item[] = [rootItem];
  let prefetch: Unchanged[] = [];
  let fetchBuf = new Uint32Array(8 * 64);
  while (frontier.length > 0) {
    const loadItems = frontier.filter((it) => !isZero8(pools.hp, it.slot * 8));
    const count = loadItems.length + prefetch.length;
    if (fetchBuf.length < count * 8) fetchBuf = new Uint32Array(count * 16);
    loadItems.forEach((it, j) => copyWords(pools.hp, it.slot * 8, fetchBuf, j * 8, 8));
    prefetch.forEach((u, j) => copyWords(pools.hp, u.slot * 8, fetchBuf, (loadItems.length + j) * 8, 8));
    const recs = count > 0 ? await store.getNodes(fetchBuf, count) : [];
    stats.nodesLoaded += count;
    prefetch.forEach((u, j) => {
      u.rec = recs[loadItems.length + j];
      if (!u.rec) throw missingNode(pools.hp, u.slot, false);
    });
    prefetch = [];
    const next: Item[] = [];
    let li = 0;
    for (const it of frontier) {
      if (isZero8(pools.hp, it.slot * 8)) {
        fresh(it, nonZeroIn(it.lo, it.hi));
        continue;
      }
      const rec = recs[li++];
      if (!rec) throw missingNode(pools.hp, it.slot, it === rootItem);
      if (rec.kind === KIND_LEAF) {
        // An existing leaf: rebuild this subtree from it and the changes that reach it.
        const list = nonZeroIn(it.lo, it.hi);
        const e = pools.allocEntry();
        rejoinKey(rec.data, 0, it.depth, pools.ent, it.ref * 16, pools.ent, e * 16);
        let overridden = false;
        for (let k = it.lo; k < it.hi && !overridden; k++) overridden = equal8(pools.ent, order[k] * 16, pools.ent, e * 16);
        if (!overridden) {
          copyWords(rec.data, 8, pools.ent, e * 16 + 8, 8);
          list.push(e);
        }
        fresh(it, list);
        continue;
      }
      register(it);
      // Branch: partition the range by this level's path bit.
      let a = it.lo;
      let b = it.hi - 1;
      while (a <= b) {
        if (pathBit(pools.ent, order[a] * 16, it.depth) === 0) a++;
        else {
          const t = order[a];
          order[a] = order[b];
          order[b--] = t;
        }
      }
      const deletes = hasZero(it.lo, it.hi);
      const side = (lo: number, hi: number, off: number): Item | Unchanged => {
        const slot = pools.hashSlot(rec.data, off);
        if (lo < hi) {
          const child = new Item(it.depth + 1, lo, hi, slot, order[lo]);
          next.push(child);
          return child;
        }
        const u = new Unchanged(slot);
        // Only a delete can empty the other side and make this child float up if it is a leaf.
        if (deletes && !isZero8(pools.hp, slot * 8)) prefetch.push(u);
        return u;
      };
      it.left = side(it.lo, a, 0);
      it.right = side(a, it.hi, 8);
    }
    frontier = next;
  }

  // Bottom-up: resolve shapes, then hash each level's new leaves and branches in two batches.
  const tmpKey = new Uint32Array(8);
  const leafJob = (e: number, depth: number) => {
    const off = jobs.push();
    remainingKey(pools.ent, e * 16, depth, jobs.states, off);
    copyWords(pools.ent, e * 16 + 8, jobs.states, off + 8, 8);
    jobs.states[off + 16] = 1;
  };
  const branchSides: number[] = [];
  for (let d = levels.length - 1; d >= 0; d--) {
    const items = levels[d] ?? [];
    const branches: Item[] = [];
    jobs.reset();
    branchSides.length = 0;
    for (const it of items) {
      if (it.entries) {
        it.res = it.entries.length === 0 ? EMPTY : LEAF;
        it.resRef = it.entries[0] ?? -1;
        continue;
      }
      const sides = [it.left!, it.right!].map((c, bit) => {
        if (c instanceof Item) return { res: c.res, ref: c.resRef };
        if (isZero8(pools.hp, c.slot * 8)) return { res: EMPTY, ref: -1 };
        if (c.rec?.kind === KIND_LEAF) {
          // Its full key: this item's path, then `bit` at this level, then the remaining key.
          copyWords(pools.ent, it.ref * 16, tmpKey, 0, 8);
          const w = 2 * (d & 3) + ((d >> 2) >= 32 ? 1 : 0);
          const mask = 1 << ((d >> 2) & 31);
          tmpKey[w] = bit ? (tmpKey[w] | mask) >>> 0 : (tmpKey[w] & ~mask) >>> 0;
          const e = pools.allocEntry();
          rejoinKey(c.rec.data, 0, d + 1, tmpKey, 0, pools.ent, e * 16);
          copyWords(c.rec.data, 8, pools.ent, e * 16 + 8, 8);
          return { res: HASH, ref: c.slot, leafEntry: e };
        }
        return { res: HASH, ref: c.slot };
      });
      const [l, r] = sides;
      if (l.res === EMPTY && r.res === EMPTY) {
        it.res = EMPTY;
      } else if (l.res === EMPTY || r.res === EMPTY) {
        const s = l.res === EMPTY ? r : l;
        if (s.res === LEAF || 'leafEntry' in s) {
          it.res = LEAF;
          it.resRef = s.res === LEAF ? s.ref : (s as { leafEntry: number }).leafEntry;
        } else {
          it.res = HASH;
        }
      } else {
        it.res = HASH;
      }
      if (it.res !== HASH) continue;
      branches.push(it);
      for (const s of sides) {
        if (s.res === LEAF) {
          branchSides.push(~jobs.n);
          leafJob(s.ref, d + 1);
        } else branchSides.push(s.res === EMPTY ? 0 : s.ref);
      }
    }
    const lbase = jobs.run(pools, out, KIND_LEAF, stats);
    jobs.reset();
    for (let k = 0; k < branches.length; k++) {
      const off = jobs.push();
      for (let s = 0; s < 2; s++) {
        const src = branchSides[2 * k + s];
        const slot = src < 0 ? lbase + ~src : src;
        copyWords(pools.hp, slot * 8, jobs.states, off + 8 * s, 8);
      }
    }
    const bbase = jobs.run(pools, out, KIND_ZERO_CAP, stats);
    branches.forEach((it, k) => (it.resRef = bbase + k));
  }

  if (rootItem.res === EMPTY) return new Uint32Array(8);
  if (rootItem.res === HASH) return pools.hp.slice(rootItem.resRef * 8, rootItem.resRef * 8 + 8);
  jobs.reset();
  leafJob(rootItem.resRef, 0);
  const base = jobs.run(pools, out, KIND_LEAF, stats);
  return pools.hp.slice(base * 8, base * 8 + 8);
}

function hexOf(hp: Uint32Array, slot: number): string {
  let s = '0x';
  for (let i = 3; i >= 0; i--) s += hp[slot * 8 + 2 * i + 1].toString(16).padStart(8, '0') + hp[slot * 8 + 2 * i].toString(16).padStart(8, '0');
  return s;
}

function missingNode(hp: Uint32Array, slot: number, isRoot: boolean): CodedError {
  return isRoot
    ? new CodedError(HashDbErrorCode.UnknownRoot, `root ${hexOf(hp, slot)} is not stored`)
    : new CodedError(HashDbErrorCode.StorageFailure, `node ${hexOf(hp, slot)} is missing from the store`);
}

/**
 * Values of `n` keys (n*8 u32) at `root`: for each key the 16-u32 limb record of its value, or
 * undefined when absent. Level-synchronous like applyChanges: one store call per level, each
 * distinct node once (keys share the upper levels: 300 keys load ~40 % fewer nodes).
 */
export async function readLeaves(store: NodeStore, root: Uint32Array, keys: Uint32Array, n: number, stats: TreeStats = { hashes: 0, nodesLoaded: 0 }): Promise<(Uint32Array | undefined)[]> {
  const result: (Uint32Array | undefined)[] = new Array(n).fill(undefined);
  if (isZero8(root, 0) || n === 0) return result;
  // Per key: the hash being looked at (8 u32 each) and its depth; -1 when done.
  const cur = new Uint32Array(n * 8);
  const depth = new Int32Array(n);
  const valueOf = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) cur.set(root.subarray(0, 8), i * 8);
  let active = Array.from({ length: n }, (_, i) => i);
  const tmp = new Uint32Array(8);
  const buf = new Uint32Array(n * 8);
  let first = true;
  // Per active key: its node's position in the level's fetch list.
  const slot = new Int32Array(n);
  const firstAt = new Map<number, number>();
  while (active.length > 0) {
    let m = 0;
    firstAt.clear();
    for (const i of active) {
      // Keyed by one word; a collision with a different node just fetches it separately.
      const seen = firstAt.get(cur[i * 8]);
      if (seen !== undefined && equal8(buf, seen * 8, cur, i * 8)) {
        slot[i] = seen;
        continue;
      }
      copyWords(cur, i * 8, buf, m * 8, 8);
      if (seen === undefined) firstAt.set(cur[i * 8], m);
      slot[i] = m++;
    }
    const recs = await store.getNodes(buf, m);
    stats.nodesLoaded += m;
    const next: number[] = [];
    active.forEach((i) => {
      const j = slot[i];
      const rec = recs[j];
      if (!rec) {
        if (first) throw new CodedError(HashDbErrorCode.UnknownRoot, `root ${hexOf(root, 0)} is not stored`);
        throw new CodedError(HashDbErrorCode.StorageFailure, `node ${hexOf(buf, j)} is missing from the store`);
      }
      if (valueOf[i] >= 0) {
        result[i] = rec.data;
        return;
      }
      if (rec.kind === KIND_LEAF) {
        rejoinKey(rec.data, 0, depth[i], keys, i * 8, tmp, 0);
        if (equal8(tmp, 0, keys, i * 8)) {
          valueOf[i] = 1;
          copyWords(rec.data, 8, cur, i * 8, 8);
          next.push(i);
        }
        return;
      }
      const off = pathBit(keys, i * 8, depth[i]) * 8;
      if (isZero8(rec.data, off)) return;
      copyWords(rec.data, off, cur, i * 8, 8);
      depth[i]++;
      next.push(i);
    });
    first = false;
    active = next;
  }
  return result;
}

/**
 * Loads the tree under `root` breadth-first through `store` (so a caching store keeps it), top
 * levels first, until `maxNodes` nodes were visited or the tree is exhausted. Value nodes are
 * skipped: updates never read them. Returns the number of nodes visited.
 */
export async function warmTree(store: NodeStore, root: Uint32Array, maxNodes: number): Promise<number> {
  let frontier = isZero8(root, 0) ? new Uint32Array(0) : root.slice(0, 8);
  let visited = 0;
  while (frontier.length > 0 && visited < maxNodes) {
    const n = Math.min(frontier.length / 8, maxNodes - visited);
    const recs = await store.getNodes(frontier, n);
    visited += n;
    const next: number[] = [];
    for (const rec of recs) {
      if (!rec || rec.kind === KIND_LEAF) continue;
      for (let side = 0; side < 2; side++) if (!isZero8(rec.data, side * 8)) for (let i = 0; i < 8; i++) next.push(rec.data[side * 8 + i]);
    }
    frontier = Uint32Array.from(next);
  }
  return visited;
}
