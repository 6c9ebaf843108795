import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { poseidonReference } from './reference';

export type KernelName = 'native' | 'wasm' | 'bigint';

/**
 * A Poseidon implementation over buffers. A state is 12 field elements as 24 little-endian u32
 * (low half first), inputs then capacity; an output is 4 canonical elements as 8 u32. Words of
 * a state may be >= p (they are reduced). No BigInt crosses this interface.
 */
export type Kernel = {
  readonly name: KernelName;
  hash(state: Uint32Array, out: Uint32Array): void;
  /** `states` holds `count` * 24 u32, `outs` receives `count` * 8 u32. */
  hashMany(states: Uint32Array, outs: Uint32Array, count: number): void;
};

// src/ (jest) and dist/ (built) both sit one level below the package root.
const pkgRoot = join(__dirname, '..');

type NativeBinding = {
  hash(i: Uint32Array, o: Uint32Array): void;
  hashMany(i: Uint32Array, o: Uint32Array, n: number): void;
  hashSparse(i: Uint32Array, o: Uint32Array): void;
};

export function loadNativeBinding(): NativeBinding | undefined {
  const path = join(pkgRoot, 'build/Release/poseidon.node');
  if (!existsSync(path)) return undefined;
  return require(path) as NativeBinding;
}

function nativeKernel(): Kernel | undefined {
  const b = loadNativeBinding();
  if (!b) return undefined;
  return { name: 'native', hash: b.hash, hashMany: b.hashMany };
}

function wasmKernel(): Kernel | undefined {
  const path = join(pkgRoot, 'build/poseidon.wasm');
  if (!existsSync(path)) return undefined;
  const module = new WebAssembly.Module(readFileSync(path));
  const inst = new WebAssembly.Instance(module, { env: { abort: () => { throw new Error('poseidon wasm abort'); } } });
  const ex = inst.exports as unknown as { memory: WebAssembly.Memory; hashMany(i: number, o: number, n: number): void; alloc(size: number): number };
  // Fixed scratch area: CHUNK states in, CHUNK outputs after them; larger batches go in chunks.
  const CHUNK = 1024;
  const base = ex.alloc(CHUNK * 128);
  // Viewed only after alloc, which may grow (and so replace) the memory buffer.
  const mem = new Uint32Array(ex.memory.buffer);
  const inAt = base >>> 2;
  const outAt = inAt + CHUNK * 24;
  const outPtr = base + CHUNK * 96;
  return {
    name: 'wasm',
    hash(state, out) {
      mem.set(state.subarray(0, 24), inAt);
      ex.hashMany(base, outPtr, 1);
      for (let i = 0; i < 8; i++) out[i] = mem[outAt + i];
    },
    hashMany(states, outs, count) {
      for (let done = 0; done < count; done += CHUNK) {
        const n = Math.min(CHUNK, count - done);
        mem.set(states.subarray(done * 24, (done + n) * 24), inAt);
        ex.hashMany(base, outPtr, n);
        outs.set(mem.subarray(outAt, outAt + n * 8), done * 8);
      }
    },
  };
}

function bigintKernel(): Kernel {
  const one = (states: Uint32Array, outs: Uint32Array, k: number) => {
    const w = (i: number) => BigInt(states[24 * k + 2 * i]) | (BigInt(states[24 * k + 2 * i + 1]) << 32n);
    const h = poseidonReference([0, 1, 2, 3, 4, 5, 6, 7].map(w), [8, 9, 10, 11].map(w));
    for (let i = 0; i < 4; i++) {
      outs[8 * k + 2 * i] = Number(h[i] & 0xffffffffn);
      outs[8 * k + 2 * i + 1] = Number(h[i] >> 32n);
    }
  };
  return {
    name: 'bigint',
    hash: (state, out) => one(state, out, 0),
    hashMany(states, outs, count) {
      for (let k = 0; k < count; k++) one(states, outs, k);
    },
  };
}

/**
 * Loads a kernel by name, or the fastest available one (native, then WASM, then BigInt; the order
 * comes from the measurements in README.md). `POSEIDON_KERNEL` forces a choice.
 */
export function loadKernel(name: KernelName | undefined = process.env.POSEIDON_KERNEL as KernelName | undefined): Kernel {
  if (name === 'bigint') return bigintKernel();
  if (name === 'wasm') return required(wasmKernel(), 'wasm');
  if (name === 'native') return required(nativeKernel(), 'native');
  if (name !== undefined) throw new Error(`POSEIDON_KERNEL must be native, wasm or bigint (got ${JSON.stringify(name)})`);
  return nativeKernel() ?? wasmKernel() ?? bigintKernel();
}

function required(k: Kernel | undefined, name: string): Kernel {
  if (!k) throw new Error(`poseidon ${name} kernel is not built; run pnpm install (libs/poseidon/scripts/build-kernels.mjs)`);
  return k;
}
