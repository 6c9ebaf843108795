import type { NodeRecord } from './store';

/**
 * Open-addressing hash table of node records in flat typed arrays (96 bytes a slot, no per-node
 * objects), keyed by the node hash. Node hashes are Poseidon outputs, hence uniform: the low word
 * picks the slot. Used as the in-memory store and as the LevelDB store's cache.
 */
export class NodeTable {
  private keys: Uint32Array;
  private data: Uint32Array;
  private kinds: Uint8Array;
  /** Occupied slots in insertion order, so clearing a sparse table costs the entries, not the capacity. */
  private used: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.mask = cap - 1;
    this.keys = new Uint32Array(cap * 8);
    this.data = new Uint32Array(cap * 16);
    this.kinds = new Uint8Array(cap);
    this.used = new Int32Array(Math.ceil(cap * 0.75) + 1);
  }

  get capacity(): number {
    return this.mask + 1;
  }

  private slotOf(key: Uint32Array, ko: number): number {
    let s = (key[ko] ^ Math.imul(key[ko + 2], 0x9e3779b1)) & this.mask;
    for (;;) {
      if (this.kinds[s] === 0) return ~s;
      const b = s * 8;
      const k = this.keys;
      if (k[b] === key[ko] && k[b + 1] === key[ko + 1] && k[b + 2] === key[ko + 2] && k[b + 3] === key[ko + 3] &&
        k[b + 4] === key[ko + 4] && k[b + 5] === key[ko + 5] && k[b + 6] === key[ko + 6] && k[b + 7] === key[ko + 7]) return s;
      s = (s + 1) & this.mask;
    }
  }

  has(key: Uint32Array, ko: number): boolean {
    return this.slotOf(key, ko) >= 0;
  }

  /** A copy of the record, or undefined. */
  get(key: Uint32Array, ko: number): NodeRecord | undefined {
    const s = this.slotOf(key, ko);
    if (s < 0) return undefined;
    return { data: this.data.slice(s * 16, s * 16 + 16), kind: this.kinds[s] };
  }

  /** Inserts or overwrites. The caller keeps the load under its own limit (see `full`). */
  set(key: Uint32Array, ko: number, data: Uint32Array, dof: number, kind: number): void {
    if ((this.size + 1) * 4 > this.capacity * 3) this.resize(this.capacity * 2);
    let s = this.slotOf(key, ko);
    // Element loops: for 8 and 16 words they beat subarray + set, which allocate.
    if (s < 0) {
      s = ~s;
      this.used[this.size++] = s;
      const k = this.keys;
      for (let i = 0; i < 8; i++) k[s * 8 + i] = key[ko + i];
    }
    const d = this.data;
    for (let i = 0; i < 16; i++) d[s * 16 + i] = data[dof + i];
    this.kinds[s] = kind;
  }

  /**
   * Touches every page of the table now. First touches of fresh memory are slow (several µs a
   * page on a VM); a cache pays them once at start instead of during its first minutes of use.
   */
  prefault(): this {
    this.keys.fill(0);
    this.data.fill(0);
    this.kinds.fill(0);
    this.used.fill(0);
    return this;
  }

  clear(): void {
    if (this.size * 8 < this.capacity) for (let i = 0; i < this.size; i++) this.kinds[this.used[i]] = 0;
    else this.kinds.fill(0);
    this.size = 0;
  }

  private resize(cap: number): void {
    const old = { keys: this.keys, data: this.data, kinds: this.kinds, cap: this.capacity };
    this.mask = cap - 1;
    this.keys = new Uint32Array(cap * 8);
    this.data = new Uint32Array(cap * 16);
    this.kinds = new Uint8Array(cap);
    this.used = new Int32Array(Math.ceil(cap * 0.75) + 1);
    this.size = 0;
    for (let s = 0; s < old.cap; s++) if (old.kinds[s] !== 0) this.set(old.keys, s * 8, old.data, s * 16, old.kinds[s]);
  }
}
