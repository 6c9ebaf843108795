import type { H4 } from '@zkseq/poseidon';
import type { HashDbApi, LeafChange } from '@zkseq/smt';
import type { LeafRef } from './keys';

export type CallStats = { hashdbCalls: number };

/**
 * The leaves of one request: values read at the request's start root (fetched in batches, possibly
 * ahead of use) and the values written since, with a journal so a frame or a whole transaction
 * can be undone.
 * Nothing reaches the hashdb from here; the processor turns journal ranges into apply steps.
 */
export class LeafOverlay {
  private readonly base = new Map<string, bigint>();
  private readonly cur = new Map<string, bigint>();
  private readonly keys = new Map<string, H4>();
  /** Leaves being read, with the read that brings them. */
  private readonly loading = new Map<string, Promise<void>>();
  private journal: { id: string; prev: bigint | undefined }[] = [];
  /** Leaves whose value is an intermediate root not computed yet (system slot of a pending step). */
  private readonly unresolved = new Set<string>();
  /** Called when an unresolved leaf is read; must resolve it (flush the pending steps). */
  onUnresolved: () => Promise<void> = async () => {
    throw new Error('unresolved leaf read');
  };

  constructor(
    private readonly db: Pick<HashDbApi, 'getLeaves'>,
    readonly startRoot: H4,
    private readonly stats: CallStats,
  ) {}

  known(id: string): bigint | undefined {
    const v = this.cur.get(id);
    return v !== undefined ? v : this.base.get(id);
  }

  /**
   * Starts reading, with one getLeaves call, every leaf of `refs` that is neither known nor on its
   * way. Returns at once; a failed read surfaces when one of its leaves is read.
   */
  readAhead(refs: readonly LeafRef[]): void {
    const missing: LeafRef[] = [];
    const seen = new Set<string>();
    for (const r of refs) {
      if (this.unresolved.has(r.id) || this.cur.has(r.id) || this.base.has(r.id) || this.loading.has(r.id) || seen.has(r.id)) continue;
      seen.add(r.id);
      missing.push(r);
    }
    if (missing.length === 0) return;
    this.stats.hashdbCalls++;
    const done = () => missing.forEach((r) => this.loading.delete(r.id));
    const read = this.db.getLeaves(this.startRoot, missing.map((r) => r.key)).then(
      (values) => {
        for (let i = 0; i < missing.length; i++) this.base.set(missing[i].id, values[i]);
        done();
      },
      (err: unknown) => {
        done();
        throw err;
      },
    );
    read.catch(() => undefined); // handled by whoever waits for one of these leaves
    for (const r of missing) this.loading.set(r.id, read);
  }

  /** Reads every leaf of `refs` not known yet (see readAhead) and waits until all are in. */
  async prefetch(refs: readonly LeafRef[]): Promise<void> {
    this.readAhead(refs);
    const reads = new Set<Promise<void>>();
    for (const r of refs) {
      const read = this.loading.get(r.id);
      if (read) reads.add(read);
    }
    await Promise.all(reads);
  }

  async get(r: LeafRef): Promise<bigint> {
    if (this.unresolved.has(r.id)) await this.onUnresolved();
    let v = this.cur.get(r.id);
    if (v !== undefined) return v;
    v = this.base.get(r.id);
    if (v !== undefined) return v;
    await this.prefetch([r]);
    return this.base.get(r.id)!;
  }

  set(r: LeafRef, value: bigint): void {
    this.journal.push({ id: r.id, prev: this.cur.get(r.id) });
    this.keys.set(r.id, r.key);
    this.cur.set(r.id, value);
  }

  /** A leaf that will hold a root computed later; reading it triggers `onUnresolved`. */
  setUnresolved(r: LeafRef): void {
    this.keys.set(r.id, r.key);
    this.unresolved.add(r.id);
  }

  /** Gives an unresolved leaf its value, outside any journal range (it belongs to a closed step). */
  resolve(id: string, value: bigint): void {
    this.unresolved.delete(id);
    this.cur.set(id, value);
  }

  mark(): number {
    return this.journal.length;
  }

  rollback(mark: number): void {
    for (let i = this.journal.length - 1; i >= mark; i--) {
      const { id, prev } = this.journal[i];
      if (prev === undefined) this.cur.delete(id);
      else this.cur.set(id, prev);
    }
    this.journal.length = mark;
  }

  /** Net leaf changes since `mark` (writes that ended where they started are dropped). */
  changesSince(mark: number): LeafChange[] {
    const before = new Map<string, bigint | undefined>();
    for (let i = mark; i < this.journal.length; i++) {
      const { id, prev } = this.journal[i];
      if (!before.has(id)) before.set(id, prev);
    }
    const out: LeafChange[] = [];
    for (const [id, prev] of before) {
      const start = prev !== undefined ? prev : this.base.get(id);
      const now = this.cur.get(id)!;
      if (start === undefined || start !== now) out.push({ key: this.keys.get(id)!, value: now });
    }
    return out;
  }

  /** Forgets journal entries before `mark` once they can no longer be undone (keeps it short). */
  truncate(): void {
    this.journal = [];
  }
}
