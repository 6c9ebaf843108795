import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { H4 } from '@zkseq/poseidon';
import { bigIntToH4, h4ToBigInt, h4ToHex, HashDb, keyBalance, keyCode, keyCodeLength, keyNonce, keyStorage, MemoryBackend, referenceRoot, valueHash } from './index';

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
