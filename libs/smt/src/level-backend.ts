import { ClassicLevel } from 'classic-level';
import { KIND_LEAF, KIND_ZERO_CAP, NodeBatch, type NodeRecord } from './store';
import type { HashDbBackend } from './backend';
import { NodeTable } from './node-table';

export type LevelBackendOptions = {
  /** Nodes kept in memory (two generations of half this size: recently used ones survive). */
  cacheNodes?: number;
  /** LevelDB's own block cache, bytes. */
  blockCacheBytes?: number;
  /** Written-but-not-yet-in-LevelDB nodes above which writers wait (bounds memory under load). */
  maxPendingNodes?: number;
  /** Touch the whole cache at open (slow start, no first-touch costs later; see NodeTable.prefault). */
  prefault?: boolean;
};

// Nodes per LevelDB batch: large enough to amortise the call, small enough for the memtable.
// Without a flush waiting, writes start once this many nodes are pending (see `putNodes`).
const WRITE_CHUNK = 20_000;

// Node keys: 'n' 0 0 0 + the hash as 8 little-endian u32 (the padding keeps the words 4-byte aligned
// in write buffers). Values: the 8 field elements of the preimage as 16 little-endian u32, then a
// byte that is 1 for a leaf (capacity [1,0,0,0]) and 0 otherwise. Records written before
// 2026-11-24 carry 31 zero bytes more (the capacity as 4 elements), which reads ignore: LevelDB
// checksums, copies and rewrites every stored byte several times as it compacts.
const NODE = 0x6e;
const NODE_KEY = 36;
const NODE_VALUE = 65;
// Value records in write buffers start 4-byte aligned.
const VALUE_STRIDE = 68;
const PROGRAM = 0x70; // 'p' + 32-byte hash -> bytecode
const META_FLUSH_ID = Buffer.from('m:storedFlushId');

/**
 * LevelDB backend. Writes are visible at once (through the cache) and go to LevelDB in the
 * background, in chunks, one batch at a time; `flush(id)` writes the rest, waits and then writes the flush id with
 * fsync, so a stored flush id covers everything written before it, even across kill -9.
 */
export class LevelBackend implements HashDbBackend {
  private young: NodeTable;
  private old: NodeTable;
  private readonly generation: number;
  /** `young` rotates when it holds this many nodes (a generation, unless `rotate` put many back). */
  private youngLimit: number;
  // Nodes not yet in LevelDB, in the order written: appended here (no lookup structure of their
  // own: the cache keeps every one of them readable, see `rotate`), swapped to `writing` while a
  // LevelDB batch is on its way.
  private pending: NodeBatch;
  private writing: NodeBatch;
  private pendingPrograms = new Map<string, Uint8Array>();
  private writingPrograms = new Map<string, Uint8Array>();
  private inFlight: Promise<void> | undefined;
  private writeError: unknown;

  private constructor(
    private readonly db: ClassicLevel<Buffer, Buffer>,
    readonly storedFlushId: number,
    cacheNodes: number,
    private readonly maxPending: number,
    prefault: boolean,
  ) {
    // Each generation fills its power-of-two table to the 3/4 load limit (cacheNodes rounds up).
    this.young = new NodeTable(Math.ceil(Math.max(2048, cacheNodes / 2) / 0.75));
    this.old = new NodeTable(this.young.capacity);
    this.generation = Math.floor(this.young.capacity * 0.75) - 1;
    this.youngLimit = this.generation;
    // Sized past the backpressure limit, so they do not grow (and touch fresh memory) while busy.
    this.pending = new NodeBatch(maxPending + WRITE_CHUNK);
    this.writing = new NodeBatch(maxPending + WRITE_CHUNK);
    if (prefault) {
      for (const t of [this.young, this.old]) t.prefault();
      for (const b of [this.pending, this.writing]) b.prefault();
    }
  }

  static async open(dir: string, opts: LevelBackendOptions = {}): Promise<LevelBackend> {
    const db = new ClassicLevel<Buffer, Buffer>(dir, {
      keyEncoding: 'buffer',
      valueEncoding: 'buffer',
      cacheSize: opts.blockCacheBytes ?? 64 << 20,
      // Node hashes are random bytes: compression only costs CPU. A larger memtable means fewer level-0 compactions.
      compression: false,
      writeBufferSize: 64 << 20,
      maxFileSize: 8 << 20,
    });
    await db.open();
    const raw = await db.get(META_FLUSH_ID);
    return new LevelBackend(db, raw ? Number(raw.toString()) : 0, opts.cacheNodes ?? 2_000_000, opts.maxPendingNodes ?? 200_000, opts.prefault ?? false);
  }

  /** Nodes read from LevelDB (cache misses), since open. */
  dbReads = 0;

  get cachedNodes(): number {
    return this.young.size + this.old.size;
  }

  async getNodes(hashes: Uint32Array, n: number): Promise<(NodeRecord | undefined)[]> {
    const out: (NodeRecord | undefined)[] = new Array(n);
    const miss: number[] = [];
    for (let i = 0; i < n; i++) {
      let rec = this.young.get(hashes, i * 8);
      if (!rec) {
        rec = this.old.get(hashes, i * 8);
        if (rec) this.remember(hashes, i * 8, rec.data, 0, rec.kind);
      }
      out[i] = rec;
      if (!rec) miss.push(i);
    }
    if (miss.length === 0) return out;
    this.dbReads += miss.length;
    const values = await this.db.getMany(miss.map((i) => nodeKey(hashes, i * 8)));
    const data = new Uint32Array(16);
    miss.forEach((i, j) => {
      const v = values[j];
      if (!v) return;
      data.set(new Uint32Array(v.buffer.slice(v.byteOffset, v.byteOffset + 64)));
      const kind = v[64] === 1 ? KIND_LEAF : KIND_ZERO_CAP;
      out[i] = { data: data.slice(), kind };
      this.remember(hashes, i * 8, data, 0, kind);
    });
    return out;
  }

  putNodes(batch: NodeBatch): void {
    this.pending.append(batch);
    for (let i = 0; i < batch.n; i++) this.remember(batch.keys, i * 8, batch.data, i * 16, batch.kinds[i]);
    // Pending nodes are readable through the cache, so a write can wait for a full chunk (or a
    // flush): on 2026-11-24 LevelDB took 4.6 µs of CPU per node in batches of 6,000 arriving in
    // random key order, 2.5 µs in sorted batches of 20,000 (its memtable is a skip list).
    if (this.pending.n >= WRITE_CHUNK) this.startWrite();
  }

  /**
   * Fills the cache from LevelDB with tree nodes (branches and leaves; value nodes, whose high
   * words are all zero, are left for reads to fetch), up to 1.5 generations. Returns the count.
   */
  async warmCache(): Promise<number> {
    let n = 0;
    const key = new Uint32Array(8);
    const data = new Uint32Array(16);
    const limit = this.generation + Math.floor(this.generation / 2);
    for await (const [k, v] of this.db.iterator({ gte: Buffer.from([NODE]), lt: Buffer.from([NODE + 1]) })) {
      const words = new Uint32Array(v.buffer.slice(v.byteOffset, v.byteOffset + 64));
      if ((words[1] | words[3] | words[5] | words[7] | words[9] | words[11] | words[13] | words[15]) === 0) continue;
      key.set(new Uint32Array(k.buffer.slice(k.byteOffset + 4, k.byteOffset + NODE_KEY)));
      data.set(words);
      // `old` first, so the later rotation keeps what `young` holds.
      const table = n < this.generation ? this.old : this.young;
      table.set(key, 0, data, 0, v[64] === 1 ? KIND_LEAF : KIND_ZERO_CAP);
      if (++n >= limit) break;
    }
    return n;
  }

  async ready(): Promise<void> {
    while (this.inFlight && this.pending.n > this.maxPending) {
      await this.inFlight;
      if (this.writeError) throw this.writeError;
    }
  }

  async getProgram(hash: string): Promise<Uint8Array | undefined> {
    const mem = this.pendingPrograms.get(hash) ?? this.writingPrograms.get(hash);
    if (mem) return mem;
    return this.db.get(programKey(hash));
  }

  putProgram(hash: string, code: Uint8Array): void {
    this.pendingPrograms.set(hash, code);
    this.startWrite();
  }

  async flush(flushId: number): Promise<void> {
    await this.drain();
    await this.db.put(META_FLUSH_ID, Buffer.from(String(flushId)), { sync: true });
  }

  /** Writes what is pending (without claiming a flush id) and closes LevelDB. */
  async close(): Promise<void> {
    await this.drain().catch(() => undefined);
    await this.db.close();
  }

  private async drain(): Promise<void> {
    while (this.inFlight || this.pending.n > 0 || this.pendingPrograms.size > 0) {
      this.startWrite();
      await this.inFlight;
      if (this.writeError) throw this.writeError;
    }
  }

  // The cache: `young` takes every node seen; when it is full it becomes `old` and a hit there
  // moves a node back to `young`, so nodes used within the last generation stay in memory.
  private remember(key: Uint32Array, ko: number, data: Uint32Array, dof: number, kind: number): void {
    if (this.young.size >= this.youngLimit) this.rotate();
    this.young.set(key, ko, data, dof, kind);
  }

  /**
   * Drops the old generation. Nodes not yet in LevelDB are read only through the cache, so those
   * that were in the dropped generation alone go back into the new young one, which then takes
   * that many fewer inserts before the next rotation (at least half a generation, so a backlog
   * larger than the cache grows the table instead of rotating at every insert).
   */
  private rotate(): void {
    const t = this.old;
    this.old = this.young;
    t.clear();
    this.young = t;
    for (const log of [this.writing, this.pending]) {
      for (let i = 0; i < log.n; i++) if (!this.old.has(log.keys, i * 8)) this.young.set(log.keys, i * 8, log.data, i * 16, log.kinds[i]);
    }
    this.youngLimit = Math.max(this.generation, this.young.size + (this.generation >> 1));
  }

  private startWrite(): void {
    if (this.inFlight || (this.pending.n === 0 && this.pendingPrograms.size === 0)) return;
    [this.writing, this.pending] = [this.pending, this.writing];
    [this.writingPrograms, this.pendingPrograms] = [this.pendingPrograms, this.writingPrograms];
    this.inFlight = this.writeAll().then(
      () => {
        this.writing.n = 0;
        this.writingPrograms.clear();
        this.inFlight = undefined;
        if (this.pending.n >= WRITE_CHUNK) this.startWrite();
      },
      (err: unknown) => {
        this.writeError = err;
        this.inFlight = undefined;
      },
    );
  }

  private async writeAll(): Promise<void> {
    const log = this.writing;
    for (let from = 0; from < log.n; from += WRITE_CHUNK) {
      // One buffer per chunk for all keys and values, sized to the chunk (fresh memory is slow to
      // touch); each put gets views, which LevelDB copies. A chained batch costs about half as
      // much main-thread time per node as an array of operations.
      const n = Math.min(WRITE_CHUNK, log.n - from);
      const order = keyOrder(log.keys, from, n);
      const keyBuf = Buffer.alloc(n * NODE_KEY);
      const keyWords = new Uint32Array(keyBuf.buffer, keyBuf.byteOffset, n * 9);
      const valBuf = Buffer.allocUnsafe(n * VALUE_STRIDE);
      const vals = new Uint32Array(valBuf.buffer, valBuf.byteOffset, (n * VALUE_STRIDE) / 4);
      const batch = this.db.batch();
      for (let j = 0; j < n; j++) {
        const e = from + order[j];
        keyBuf[j * NODE_KEY] = NODE;
        for (let i = 0; i < 8; i++) keyWords[j * 9 + 1 + i] = log.keys[e * 8 + i];
        const v = (j * VALUE_STRIDE) / 4;
        for (let i = 0; i < 16; i++) vals[v + i] = log.data[e * 16 + i];
        valBuf[j * VALUE_STRIDE + 64] = log.kinds[e] === KIND_LEAF ? 1 : 0;
        batch.put(keyBuf.subarray(j * NODE_KEY, j * NODE_KEY + NODE_KEY), valBuf.subarray(j * VALUE_STRIDE, j * VALUE_STRIDE + NODE_VALUE));
      }
      await batch.write();
    }
    if (this.writingPrograms.size > 0) await this.db.batch([...this.writingPrograms].map(([hash, code]) => ({ type: 'put' as const, key: programKey(hash), value: Buffer.from(code) })));
  }
}

/**
 * Entries from..from+n-1 of a key list in LevelDB's (bytewise) order of their node keys, by the
 * first hash word (the key's bytes 4-7, little-endian): inserting in order keeps the memtable's
 * search paths in the CPU cache. Ties (one in 2^32) only cost that speed-up, not correctness.
 */
export function keyOrder(keys: Uint32Array, from: number, n: number): Uint32Array {
  if (n > INDEX_SPAN) throw new RangeError(`keyOrder sorts at most ${INDEX_SPAN} keys`);
  const packed = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const w = keys[(from + j) * 8];
    const bigEndian = (((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24)) >>> 0;
    packed[j] = bigEndian * INDEX_SPAN + j;
  }
  packed.sort();
  const order = new Uint32Array(n);
  for (let j = 0; j < n; j++) order[j] = packed[j] % INDEX_SPAN;
  return order;
}

// keyOrder packs a 32-bit word and an index below this into one exact float64 (2^32 * 2^20 < 2^53).
const INDEX_SPAN = 1 << 20;

function nodeKey(hashes: Uint32Array, off: number): Buffer {
  const b = Buffer.alloc(NODE_KEY);
  b[0] = NODE;
  Buffer.from(hashes.buffer, hashes.byteOffset + off * 4, 32).copy(b, 4);
  return b;
}


function programKey(hashHex: string): Buffer {
  return Buffer.concat([Buffer.from([PROGRAM]), Buffer.from(hashHex.slice(2), 'hex')]);
}
