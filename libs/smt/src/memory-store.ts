import { NodeTable } from './node-table';
import type { NodeBatch, NodeRecord, NodeStore } from './store';

/** Everything in memory (tests, eth_call overlays, a hashdb without a data dir). */
export class MemoryNodeStore implements NodeStore {
  readonly table: NodeTable;

  constructor(capacity = 1 << 12) {
    this.table = new NodeTable(capacity);
  }

  getNodes(hashes: Uint32Array, n: number): (NodeRecord | undefined)[] {
    const out: (NodeRecord | undefined)[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.table.get(hashes, i * 8);
    return out;
  }

  putNodes(batch: NodeBatch): void {
    for (let i = 0; i < batch.n; i++) this.table.set(batch.keys, i * 8, batch.data, i * 16, batch.kinds[i]);
  }
}

/** Writes stay in memory; reads fall through to `base`. Used for persist=false calls. */
export class OverlayNodeStore implements NodeStore {
  private readonly top = new MemoryNodeStore(1 << 10);

  constructor(private readonly base: NodeStore) {}

  async getNodes(hashes: Uint32Array, n: number): Promise<(NodeRecord | undefined)[]> {
    const out = this.top.getNodes(hashes, n);
    const miss: number[] = [];
    for (let i = 0; i < n; i++) if (!out[i]) miss.push(i);
    if (miss.length === 0) return out;
    const buf = new Uint32Array(miss.length * 8);
    miss.forEach((i, j) => buf.set(hashes.subarray(i * 8, i * 8 + 8), j * 8));
    const got = await this.base.getNodes(buf, miss.length);
    miss.forEach((i, j) => (out[i] = got[j]));
    return out;
  }

  putNodes(batch: NodeBatch): void {
    this.top.putNodes(batch);
  }
}
