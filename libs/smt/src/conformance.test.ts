import { readdirSync, readFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { poseidon, type H4 } from '@zkseq/poseidon';
import { bigIntToH4, keyCode, keyNonce, h4Equal, h4ToBigInt, h4ToHex, hexToH4, HashDb, LevelBackend, MemoryBackend, referenceRoot, type GenesisAccount } from './index';

// Generous limit: these walk every vector file, and CI machines are shared.
jest.setTimeout(120_000);

const shared = join(__dirname, '../../../../shared/vectors');
const load = <T>(p: string): T => JSON.parse(readFileSync(join(shared, p), 'utf8')) as T;
const Z: H4 = [0n, 0n, 0n, 0n];

type VectorAccount = { address: string; balance: string; nonce: string; bytecode?: string; storage?: Record<string, string> };
function toGenesis(a: VectorAccount): GenesisAccount {
  const hex = (a.bytecode ?? '').replace(/^0x/, '');
  return {
    address: a.address,
    balance: BigInt(a.balance),
    nonce: BigInt(a.nonce),
    code: Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex'),
    storage: new Map(Object.entries(a.storage ?? {}).map(([k, v]) => [BigInt(k), BigInt(v)])),
  };
}

describe('genesis vectors', () => {
  it.each([
    ['fork6/merkle-tree/smt-genesis.json', 5],
    ['fork6/merkle-tree/smt-full-genesis.json', 4],
  ])('%s', async (file, count) => {
    const cases = load<{ addresses: VectorAccount[]; expectedRoot: string }[]>(file);
    let ran = 0;
    for (const c of cases) {
      const db = new HashDb(new MemoryBackend());
      expect(h4ToBigInt(await db.loadGenesis(c.addresses.map(toGenesis)))).toBe(BigInt(c.expectedRoot));
      ran++;
    }
    expect(ran).toBe(count);
  });

  it('mainnet genesis root, on LevelDB, readable back after reopening', async () => {
    const g = load<{ root: string; genesis: VectorAccount[] }>('mainnet-genesis/genesis.json');
    expect(g.genesis).toHaveLength(9);
    const dir = mkdtempSync(join(tmpdir(), 'smt-genesis-'));
    try {
      let db = new HashDb(await LevelBackend.open(dir));
      const root = await db.loadGenesis(g.genesis.map(toGenesis));
      expect(h4ToHex(root)).toBe(g.root);
      await db.flush({ wait: true });
      await db.close();
      db = new HashDb(await LevelBackend.open(dir));
      const withCode = g.genesis.find((a) => (a.bytecode ?? '').length > 2)!;
      const [codeHash, nonce] = await db.getLeaves(root, [keyCode(withCode.address), keyNonce(withCode.address)]);
      expect(nonce).toBe(BigInt(withCode.nonce));
      expect(Buffer.from(await db.getProgram(bigIntToH4(codeHash))).toString('hex')).toBe(withCode.bytecode!.replace(/^0x/, '').toLowerCase());
      expect((await db.flushStatus()).storedFlushId).toBe(1);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('executor inputs: oldStateRoot rebuilt from db', () => {
  const dir = join(shared, 'fork6/inputs-executor');
  const files: string[] = [];
  const walk = (d: string) => readdirSync(d).forEach((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : f.endsWith('.json') && files.push(join(d, f))));
  walk(dir);

  it('has 145 files, every node re-hashes to its key and the leaves rebuild the root', async () => {
    expect(files).toHaveLength(145);
    let ran = 0;
    for (const file of files) {
      const input = JSON.parse(readFileSync(file, 'utf8')) as { oldStateRoot: string; db: Record<string, string[]> };
      const db = new Map(Object.entries(input.db).map(([k, v]) => [hexToH4(k.startsWith('0x') ? k : '0x' + k).join(','), v.map((x) => BigInt('0x' + x))]));
      const leaves: { key: H4; value: bigint }[] = [];
      // Depth-first walk from the root; `path` holds the bits taken so far.
      const visit = (h: H4, depth: number, path: bigint[]) => {
        if (h.every((w) => w === 0n)) return;
        const pre = db.get(h.join(','));
        if (!pre) throw new Error(`${file}: node ${h4ToHex(h)} missing`);
        expect(h4Equal(poseidon(pre.slice(0, 8), pre.slice(8, 12)), h)).toBe(true);
        if (pre[8] === 1n) {
          const vh = pre.slice(4, 8) as H4;
          const limbs = db.get(vh.join(','))!;
          expect(h4Equal(poseidon(limbs.slice(0, 8), [0n, 0n, 0n, 0n]), vh)).toBe(true);
          const key = pre.slice(0, 4).map((rk, i) => {
            const n = Math.floor(depth / 4) + (i < depth % 4 ? 1 : 0);
            return (rk << BigInt(n)) | path[i];
          }) as H4;
          leaves.push({ key, value: limbs.slice(0, 8).reduceRight((acc, l) => (acc << 32n) | l, 0n) });
          return;
        }
        for (const bit of [0n, 1n]) {
          const p = [...path];
          p[depth % 4] |= bit << BigInt(Math.floor(depth / 4));
          visit(pre.slice(4 * Number(bit), 4 * Number(bit) + 4) as H4, depth + 1, p);
        }
      };
      visit(hexToH4(input.oldStateRoot), 0, [0n, 0n, 0n, 0n]);
      const rebuilt = await new HashDb(new MemoryBackend()).apply(Z, leaves);
      expect(h4ToHex(rebuilt)).toBe(input.oldStateRoot);
      ran++;
    }
    expect(ran).toBe(145);
  });
});

describe('randomised: incremental root == root built from scratch', () => {
  // Deterministic PRNG so a failure can be replayed.
  let seed = 0x2545f491;
  const rnd = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const randomKey = (shared: H4[]): H4 => {
    // Half of the keys share long prefixes with earlier ones: deep branches and collapses.
    if (shared.length > 0 && rnd() < 0.5) {
      const base = shared[Math.floor(rnd() * shared.length)];
      return [base[0] ^ BigInt(1 << Math.floor(rnd() * 30)) * 4n, base[1], base[2], base[3]] as H4;
    }
    return [0, 1, 2, 3].map(() => BigInt(Math.floor(rnd() * 2 ** 32)) * 0xfffffn % 0xffffffff00000001n) as H4;
  };

  it('200 sequences of random inserts, updates and deletes, applied singly and in batches', async () => {
    let ran = 0;
    for (let seq = 0; seq < 200; seq++) {
      const db = new HashDb(new MemoryBackend());
      const state = new Map<string, { key: H4; value: bigint }>();
      const keys: H4[] = [];
      let root = Z;
      const rounds = 1 + Math.floor(rnd() * 6);
      for (let r = 0; r < rounds; r++) {
        const batch: { key: H4; value: bigint }[] = [];
        const size = 1 + Math.floor(rnd() * 12);
        for (let i = 0; i < size; i++) {
          const existing = keys.length > 0 && rnd() < 0.5;
          const key = existing ? keys[Math.floor(rnd() * keys.length)] : randomKey(keys);
          if (!existing) keys.push(key);
          const value = rnd() < 0.35 ? 0n : BigInt(Math.floor(rnd() * 1000)) << BigInt(Math.floor(rnd() * 200));
          batch.push({ key, value });
          state.set(key.join(','), { key, value });
        }
        if (rnd() < 0.5) root = await db.apply(root, batch);
        else for (const ch of batch) root = await db.apply(root, [ch]);
      }
      expect(h4ToHex(root)).toBe(h4ToHex(referenceRoot(state)));
      const live = [...state.values()];
      expect(await db.getLeaves(root, live.map((e) => e.key))).toEqual(live.map((e) => e.value));
      ran++;
    }
    expect(ran).toBe(200);
  });
});
