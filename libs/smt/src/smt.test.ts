import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HashDbErrorCode } from '@zkseq/errors';
import type { H4 } from '@zkseq/poseidon';
import { prng, randomKey, bigIntToH4, h4ToBigInt, h4ToHex, HashDb, keyBalance, keyCode, keyCodeLength, keyNonce, keyStorage, MemoryBackend, referenceRoot, valueHash } from './index';

const vectors = join(__dirname, '../../../../shared/vectors/fork6/merkle-tree');
const load = <T>(p: string): T => JSON.parse(readFileSync(join(vectors, p), 'utf8')) as T;
const Z: H4 = [0n, 0n, 0n, 0n];

describe('spec worked examples', () => {
  it('value hash, single leaf and a deep split', async () => {
    expect(h4ToHex(valueHash(1n))).toBe('0xda62fdf84a21108e47969c1f5a6a25b12346a1b4c0f390e8d074b8cee5dcf415');
    const db = new HashDb(new MemoryBackend());
    expect(h4ToHex(await db.apply(Z, [{ key: Z, value: 1n }]))).toBe('0x42bb2f66296df03552203ae337815976ca9c1bf52cc1bdd59399ede8fea8a822');
    const two = await db.apply(Z, [{ key: [17185n, 0n, 0n, 0n], value: 1n }, { key: [16929n, 0n, 0n, 0n], value: 1n }]);
    expect(h4ToHex(two)).toBe('0x5eb96ea83a6f62628dcf350e96214fae3d852fa15d9ee98742b07864be9a5730');
  });
});

describe('key vectors', () => {
  const files: [string, (c: { ethAddr: string; storagePosition?: string }) => H4, number][] = [
    ['smt-key-eth-balance.json', (c) => keyBalance(c.ethAddr), 8],
    ['smt-key-eth-nonce.json', (c) => keyNonce(c.ethAddr), 8],
    ['smt-key-contract-code.json', (c) => keyCode(c.ethAddr), 3],
    ['smt-key-contract-length.json', (c) => keyCodeLength(c.ethAddr), 3],
    ['smt-key-contract-storage.json', (c) => keyStorage(c.ethAddr, BigInt(c.storagePosition!)), 6],
  ];
  it.each(files)('%s', (file, fn, count) => {
    const cases = load<{ ethAddr: string; storagePosition?: string; expectedKey: string }[]>(file);
    let ran = 0;
    for (const c of cases) {
      expect(h4ToBigInt(fn(c))).toBe(BigInt(c.expectedKey));
      ran++;
    }
    expect(ran).toBe(count);
  });
});

describe('smt-raw.json', () => {
  it('all 23 cases, sets applied one by one and as one batch', async () => {
    const cases = load<{ keys: string[]; values: string[]; expectedRoot: string }[]>('smt-raw.json');
    let ran = 0;
    for (const c of cases) {
      const changes = c.keys.map((k, i) => ({ key: bigIntToH4(BigInt(k)), value: BigInt(c.values[i]) }));
      const db = new HashDb(new MemoryBackend());
      let root = Z;
      for (const ch of changes) root = await db.apply(root, [ch]);
      const expected = BigInt(c.expectedRoot);
      expect(h4ToBigInt(root)).toBe(expected);
      expect(h4ToBigInt(await db.apply(Z, changes))).toBe(expected);
      expect(h4ToBigInt(referenceRoot(new Map(changes.map((ch) => [String(ch.key), ch]))))).toBe(expected);
      ran++;
    }
    expect(ran).toBe(23);
  });
});

describe('HashDb API', () => {
  const k = (n: number): H4 => keyBalance('0x' + n.toString(16).padStart(40, '0'));

  it('applySteps equals the same writes done one call at a time, R1 then R2 per step', async () => {
    const db = new HashDb(new MemoryBackend());
    const genesis = await db.apply(Z, [{ key: k(1), value: 100n }, { key: k(2), value: 5n }]);
    const steps = [
      { changes: [{ key: k(1), value: 90n }, { key: k(3), value: 10n }], rootSlotKey: keyStorage('0x000000000000000000000000000000005ca1ab1e', 11n) },
      { changes: [{ key: k(2), value: 0n }] },
      { changes: [{ key: k(4), value: 7n }], rootSlotKey: keyStorage('0x000000000000000000000000000000005ca1ab1e', 12n) },
    ];
    const res = await db.applySteps(genesis, steps);
    let root = genesis;
    for (const [i, s] of steps.entries()) {
      root = await db.apply(root, s.changes);
      expect(res[i].root).toEqual(root);
      if (s.rootSlotKey) {
        root = await db.apply(root, [{ key: s.rootSlotKey, value: h4ToBigInt(root) }]);
        expect(res[i].rootAfterSlot).toEqual(root);
      } else expect(res[i].rootAfterSlot).toBeUndefined();
    }
    expect(await db.getLeaves(root, [k(1), k(2), k(3), k(4)])).toEqual([90n, 0n, 10n, 7n]);
    expect(await db.getLeaves(genesis, [k(1), k(2), k(3)])).toEqual([100n, 5n, 0n]); // old roots stay readable
  });

  it('persist=false computes the same roots and stores nothing', async () => {
    const a = new HashDb(new MemoryBackend());
    const b = new HashDb(new MemoryBackend());
    const genesis = await a.apply(Z, [{ key: k(1), value: 1n }]);
    await b.apply(Z, [{ key: k(1), value: 1n }]);
    const steps = [{ changes: [{ key: k(2), value: 2n }] }, { changes: [{ key: k(1), value: 0n }] }];
    const temp = await a.applySteps(genesis, steps, { persist: false });
    expect(temp).toEqual(await b.applySteps(genesis, steps));
    await expect(a.getLeaves(temp[1].root, [k(2)])).rejects.toMatchObject({ code: HashDbErrorCode.UnknownRoot });
    const [code] = await a.setPrograms([new Uint8Array([1, 2])], { persist: false });
    await expect(a.getProgram(code)).rejects.toMatchObject({ code: HashDbErrorCode.UnknownProgram });
  });

  it('rejects malformed input with codes and keeps working', async () => {
    const db = new HashDb(new MemoryBackend(), { maxChanges: 10, maxKeys: 10, maxProgramBytes: 10 });
    const bad = [0n, 0n, 0n, 0xffffffff00000001n] as H4;
    await expect(db.getLeaves(bad, [])).rejects.toMatchObject({ code: HashDbErrorCode.InvalidRoot });
    await expect(db.apply(Z, [{ key: bad, value: 1n }])).rejects.toMatchObject({ code: HashDbErrorCode.InvalidKey });
    await expect(db.apply(Z, [{ key: k(1), value: 1n << 256n }])).rejects.toMatchObject({ code: HashDbErrorCode.InvalidValue });
    await expect(db.apply(Z, [{ key: k(1), value: -1n }])).rejects.toMatchObject({ code: HashDbErrorCode.InvalidValue });
    await expect(db.apply(k(9), [{ key: k(1), value: 1n }])).rejects.toMatchObject({ code: HashDbErrorCode.UnknownRoot });
    await expect(db.getLeaves(Z, Array(11).fill(k(1)))).rejects.toMatchObject({ code: HashDbErrorCode.RequestTooLarge });
    await expect(db.setPrograms([new Uint8Array(11)])).rejects.toMatchObject({ code: HashDbErrorCode.RequestTooLarge });
    expect(await db.getLeaves(await db.apply(Z, [{ key: k(1), value: 3n }]), [k(1)])).toEqual([3n]);
  });

  it('flush ids grow and are reported stored', async () => {
    const db = new HashDb(new MemoryBackend());
    expect(await db.flush()).toBe(1);
    expect(await db.flush({ wait: true })).toBe(2);
    expect(await db.flushStatus()).toEqual({ storedFlushId: 2, pendingFlushId: 2, instanceId: db.id });
    expect(await db.instanceId()).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('large change sets', () => {
  it('3,000 changes in one batch (buffers grow), then half of them deleted, match the reference', async () => {
    const next = prng(7);
    const db = new HashDb(new MemoryBackend());
    const changes = Array.from({ length: 3000 }, () => ({ key: randomKey(next), value: BigInt(next()) + 1n }));
    const root = await db.apply(Z, changes);
    expect(root).toEqual(referenceRoot(changes));
    const deletes = changes.filter((_, i) => i % 2).map((c) => ({ key: c.key, value: 0n }));
    expect(await db.apply(root, deletes)).toEqual(referenceRoot(changes.filter((_, i) => i % 2 === 0)));
  });
});
