import type { H4 } from '@zkseq/poseidon';
import type { HashDbApi } from './api';
import { h4ToHex, hexToH4 } from './h4';

type Hex = `0x${string}`;

type Waiter = { resolve: (v: bigint) => void; reject: (e: unknown) => void };

/**
 * Leaf reads at state roots for hashdb clients. Reads issued in the same event-loop turn for one
 * root go to the hashdb as one getLeaves call; values are cached per (root, key) (`cacheSize` 0:
 * none), which is always correct because the state under a root never changes.
 */
export class LeafReader {
  private readonly cache = new Map<string, bigint>();
  private pending = new Map<Hex, Map<string, { key: H4; waiters: Waiter[] }>>();
  private scheduled = false;

  constructor(
    private readonly hashdb: Pick<HashDbApi, 'getLeaves'>,
    private readonly cacheSize: number,
  ) {}

  read(root: Hex, key: H4): Promise<bigint> {
    const keyHex = h4ToHex(key);
    const hit = this.cache.get(`${root}${keyHex}`);
    if (hit !== undefined) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      let byKey = this.pending.get(root);
      if (!byKey) this.pending.set(root, (byKey = new Map()));
      const entry = byKey.get(keyHex);
      if (entry) entry.waiters.push({ resolve, reject });
      else byKey.set(keyHex, { key, waiters: [{ resolve, reject }] });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batches = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    for (const [root, byKey] of batches) void this.fetch(root, byKey);
  }

  private async fetch(root: Hex, byKey: Map<string, { key: H4; waiters: Waiter[] }>): Promise<void> {
    const entries = [...byKey.entries()];
    try {
      const values = await this.hashdb.getLeaves(hexToH4(root), entries.map(([, e]) => e.key));
      entries.forEach(([keyHex, e], i) => {
        if (this.cacheSize > 0) {
          if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
          this.cache.set(`${root}${keyHex}`, values[i]);
        }
        for (const w of e.waiters) w.resolve(values[i]);
      });
    } catch (err) {
      for (const [, e] of entries) for (const w of e.waiters) w.reject(err);
    }
  }
}
