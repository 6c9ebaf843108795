import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { H4 } from '@zkseq/poseidon';
import { HashDb } from './hashdb';
import { keyOrder, LevelBackend } from './level-backend';
import { MemoryBackend } from './backend';
import { prng, randomKey } from './bench-tree';

const NODE_PREFIX = 0x6e;

async function nodeRecords(dir: string): Promise<[Buffer, Buffer][]> {
  const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  const out: [Buffer, Buffer][] = [];
  for await (const kv of db.iterator({ gte: Buffer.from([NODE_PREFIX]), lt: Buffer.from([NODE_PREFIX + 1]) })) out.push(kv);
  await db.close();
  return out;
}

describe('LevelBackend node records', () => {
  const next = prng(11);
  const keys = Array.from({ length: 40 }, () => randomKey(next));
  const changes = keys.map((key, i) => ({ key, value: BigInt(i + 1) * 10n ** 18n }));
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'level-backend-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are 65 bytes: the preimage and a leaf flag', async () => {
    const db = new HashDb(await LevelBackend.open(dir, { cacheNodes: 1024 }));
    await db.apply([0n, 0n, 0n, 0n], changes);
    await db.flush({ wait: true });
    await db.close();
    const records = await nodeRecords(dir);
    expect(records.length).toBeGreaterThan(80);
    expect(new Set(records.map(([, v]) => v.length))).toEqual(new Set([65]));
    // 40 leaves (flag 1), their value nodes and the branches (flag 0).
    expect(records.filter(([, v]) => v[64] === 1)).toHaveLength(40);
  });

  it('written in the earlier 96-byte layout still read and update like fresh ones', async () => {
    let db = new HashDb(await LevelBackend.open(dir, { cacheNodes: 1024 }));
    const root = await db.apply([0n, 0n, 0n, 0n], changes);
    await db.flush({ wait: true });
    await db.close();
    // Rewrite every node record the way it used to be stored: the flag as a u32 and 28 zero bytes.
    const raw = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    const old: [Buffer, Buffer][] = [];
    for await (const [k, v] of raw.iterator({ gte: Buffer.from([NODE_PREFIX]), lt: Buffer.from([NODE_PREFIX + 1]) })) {
      const padded = Buffer.alloc(96);
      v.copy(padded, 0, 0, 64);
      padded.writeUInt32LE(v[64], 64);
      old.push([k, padded]);
    }
    await raw.batch(old.map(([key, value]) => ({ type: 'put' as const, key, value })));
    await raw.close();

    db = new HashDb(await LevelBackend.open(dir, { cacheNodes: 1024 }));
    const reference = new HashDb(new MemoryBackend());
    const refRoot = await reference.apply([0n, 0n, 0n, 0n], changes);
    expect(root).toEqual(refRoot);
    expect(await db.getLeaves(root, keys)).toEqual(changes.map((c) => c.value));
    // An update walks (and a delete collapses over) the old records.
    const update = [{ key: keys[0], value: 7n }, { key: keys[1], value: 0n }, { key: randomKey(next), value: 5n }];
    const next1: H4 = await db.apply(root, update);
    expect(next1).toEqual(await reference.apply(refRoot, update));
    await db.close();
  });

  it('keeps nodes readable while they wait for LevelDB, even when they outnumber the cache', async () => {
    // ~15k new nodes in one call against a cache of two ~3k-node generations: the cache rotates
    // several times while the nodes are still on their way to LevelDB.
    const backend = await LevelBackend.open(dir, { cacheNodes: 1024 });
    const db = new HashDb(backend);
    const many = Array.from({ length: 5000 }, (_, i) => ({ key: randomKey(next), value: BigInt(i + 1) }));
    const reference = new HashDb(new MemoryBackend());
    const root = await db.apply([0n, 0n, 0n, 0n], many);
    expect(root).toEqual(await reference.apply([0n, 0n, 0n, 0n], many));
    // No flush: reads and an update right away, while the write to LevelDB is still in flight.
    expect(await db.getLeaves(root, many.map((c) => c.key))).toEqual(many.map((c) => c.value));
    const update = many.slice(0, 300).map((c, i) => ({ key: c.key, value: i % 3 === 0 ? 0n : c.value + 1n }));
    expect(await db.apply(root, update)).toEqual(await reference.apply(root, update));
    expect(backend.dbReads).toBe(0);
    await db.flush({ wait: true });
    await db.close();
    // Everything reached LevelDB.
    const reopened = new HashDb(await LevelBackend.open(dir, { cacheNodes: 1024 }));
    expect(await reopened.getLeaves(root, many.slice(-50).map((c) => c.key))).toEqual(many.slice(-50).map((c) => c.value));
    await reopened.close();
  });
});

describe('keyOrder', () => {
  it("lists entries in LevelDB's bytewise order of their node keys", () => {
    const next = prng(5);
    const n = 3000;
    const keys = new Uint32Array((n + 7) * 8);
    for (let i = 0; i < keys.length; i++) keys[i] = next();
    // Words that sort differently as little- and big-endian numbers.
    keys[7 * 8] = 0x000000ff;
    keys[8 * 8] = 0x0000ff00;
    const nodeKey = (e: number) => Buffer.from(keys.buffer, e * 32, 4);
    const order = keyOrder(keys, 7, n);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, j) => j));
    for (let j = 1; j < n; j++) expect(Buffer.compare(nodeKey(7 + order[j - 1]), nodeKey(7 + order[j]))).toBeLessThanOrEqual(0);
  });
});
