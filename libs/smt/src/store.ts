import { copyWords } from './bits';

/**
 * Node stores: node hash (8 u32) -> preimage. Every tree node's preimage is 8 field elements plus a
 * capacity that is [1,0,0,0] for leaves and zero otherwise (branches and value nodes), so a record
 * is 16 u32 (the 8 elements as lo/hi pairs) and a kind. Stores only grow: old roots stay readable.
 */
export const KIND_ZERO_CAP = 1;
export const KIND_LEAF = 2;

export type NodeRecord = { data: Uint32Array; kind: number };

/** A growable list of nodes to write: keys n*8 u32, data n*16 u32, kinds n. */
export class NodeBatch {
  keys: Uint32Array;
  data: Uint32Array;
  kinds: Uint8Array;
  n = 0;

  constructor(capacity = 64) {
    this.keys = new Uint32Array(capacity * 8);
    this.data = new Uint32Array(capacity * 16);
    this.kinds = new Uint8Array(capacity);
  }

  add(hash: Uint32Array, ho: number, data: Uint32Array, dof: number, kind: number): void {
    if (this.n === this.kinds.length) this.grow();
    copyWords(hash, ho, this.keys, this.n * 8, 8);
    copyWords(data, dof, this.data, this.n * 16, 16);
    this.kinds[this.n++] = kind;
  }

  /** Appends every node of `other` (bulk copies). */
  append(other: NodeBatch): void {
    while (this.kinds.length < this.n + other.n) this.grow();
    this.keys.set(other.keys.subarray(0, other.n * 8), this.n * 8);
    this.data.set(other.data.subarray(0, other.n * 16), this.n * 16);
    this.kinds.set(other.kinds.subarray(0, other.n), this.n);
    this.n += other.n;
  }

  /** Touches the whole capacity now (see NodeTable.prefault). */
  prefault(): void {
    this.keys.fill(0);
    this.data.fill(0);
    this.kinds.fill(0);
  }

  private grow(): void {
    const cap = this.kinds.length * 2;
    const keys = new Uint32Array(cap * 8);
    keys.set(this.keys);
    const data = new Uint32Array(cap * 16);
    data.set(this.data);
    const kinds = new Uint8Array(cap);
    kinds.set(this.kinds);
    this.keys = keys;
    this.data = data;
    this.kinds = kinds;
  }
}

export interface NodeStore {
  /** Preimages of `n` hashes (n*8 u32); undefined where absent. May answer synchronously. */
  getNodes(hashes: Uint32Array, n: number): Promise<(NodeRecord | undefined)[]> | (NodeRecord | undefined)[];
  /** Visible to getNodes at once; durable after the next flush. */
  putNodes(batch: NodeBatch): void;
  /** Resolves when the store can take more writes (writers await it: backpressure). */
  ready?(): Promise<void>;
}
