import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fe, getWord, hashBytecode, loadKernel, poseidon, poseidonReference, putWord, type KernelName } from './index';

const vectors = join(__dirname, '../../../../shared/vectors/fork6');
const load = <T>(p: string): T => JSON.parse(readFileSync(join(vectors, p), 'utf8')) as T;
type RawCase = { input: string[]; capacity: string[]; expectedOutput: string[] };
const raw = load<RawCase[]>('poseidon/raw-hash.json');

const kernels: KernelName[] = ['bigint', 'wasm', 'native'];

describe('Poseidon raw-hash vectors', () => {
  it('has all 5 cases', () => expect(raw).toHaveLength(5));

  it('reference form reproduces every case', () => {
    let ran = 0;
    for (const c of raw) {
      expect(poseidonReference(c.input.map(BigInt), c.capacity.map(BigInt))).toEqual(c.expectedOutput.map(BigInt));
      ran++;
    }
    expect(ran).toBe(5);
  });

  it.each(kernels)('%s kernel reproduces every case through the buffer API', (name) => {
    const k = loadKernel(name);
    const state = new Uint32Array(24);
    const out = new Uint32Array(8);
    let ran = 0;
    for (const c of raw) {
      [...c.input, ...c.capacity].forEach((x, i) => putWord(state, i, fe(BigInt(x))));
      k.hash(state, out);
      expect([0, 1, 2, 3].map((i) => getWord(out, i))).toEqual(c.expectedOutput.map(BigInt));
      ran++;
    }
    expect(ran).toBe(5);
  });

  it('default wrapper reduces inputs >= p and negative ones', () => {
    const c = raw[2]; // all p-1
    expect(poseidon(Array(8).fill(-1n), Array(4).fill(-1n))).toEqual(c.expectedOutput.map(BigInt));
    const pm1 = 0xffffffff00000000n;
    expect(poseidon(Array(8).fill(pm1 + 0xffffffff00000001n), Array(4).fill(pm1))).toEqual(c.expectedOutput.map(BigInt));
  });
});

describe('kernels agree on random states (non-canonical words included)', () => {
  it.each(['wasm', 'native'] as KernelName[])('%s hashMany equals the reference', (name) => {
    const k = loadKernel(name);
    const n = 301; // odd: the native kernel hashes pairs, then the last one alone
    const states = new Uint32Array(24 * n);
    for (let i = 0; i < states.length; i++) states[i] = (Math.random() * 2 ** 32) >>> 0;
    // Words near 2^64 exercise the lazy reduction paths.
    for (let i = 0; i < 24; i++) states[24 * 7 + i] = 0xffffffff;
    const outs = new Uint32Array(8 * n);
    k.hashMany(states, outs, n);
    for (let s = 0; s < n; s++) {
      const words = Array.from({ length: 12 }, (_, i) => getWord(states.subarray(24 * s), i));
      const ref = poseidonReference(words.slice(0, 8), words.slice(8));
      expect([0, 1, 2, 3].map((i) => getWord(outs.subarray(8 * s), i))).toEqual(ref);
    }
  });
});

describe('bytecode hash (smt-hash-bytecode.json)', () => {
  it('reproduces all 11 cases and the spec examples', () => {
    const cases = load<{ bytecode: string; expectedHash: string }[]>('merkle-tree/smt-hash-bytecode.json');
    let ran = 0;
    const toHex = (h: bigint[]) => '0x' + [3, 2, 1, 0].map((i) => h[i].toString(16).padStart(16, '0')).join('');
    for (const c of cases) {
      const hex = c.bytecode.length % 2 ? '0' + c.bytecode : c.bytecode;
      const got = toHex(hashBytecode(Buffer.from(hex, 'hex')));
      expect(got).toBe('0x' + BigInt(c.expectedHash).toString(16).padStart(64, '0'));
      ran++;
    }
    expect(ran).toBe(11);
    expect(toHex(hashBytecode(Buffer.from('dead', 'hex')))).toBe('0x2549d1fb0dc984e3098f235473637bd9e40aab1692c87e0afaf58720d2fbb8cd');
    expect(toHex(hashBytecode(new Uint8Array(0)))).toBe('0x3baed9289a384f6c1c05d92b56c801c2d2e2a7050d6c16538b814fa186835c79');
  });
});
