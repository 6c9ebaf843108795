// `pnpm bench poseidon`: permutations per second, single thread, called from TypeScript through the
// buffer API, for every kernel that is built. `poseidon.perms_per_s` is the default kernel, one call per hash.
// Rates are per second of this process's CPU time: the machine is shared, and wall time would
// mostly measure the other work on it.
import { note, report } from '@zkseq/bench';
import { kernel, loadKernel, loadNativeBinding, type Kernel, type KernelName } from './index';

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function rate(run: (iters: number) => void, seconds: number): number {
  run(200);
  let iters = 1000;
  for (;;) {
    const t0 = cpuSeconds();
    run(iters);
    const dt = cpuSeconds() - t0;
    if (dt >= seconds) return iters / dt;
    iters = Math.ceil(iters * Math.min(10, (seconds * 1.2) / Math.max(dt, 1e-3)));
  }
}

const state = new Uint32Array(24);
const out = new Uint32Array(8);
const single = (hash: (s: Uint32Array, o: Uint32Array) => void) => (iters: number) => {
  for (let i = 0; i < iters; i++) {
    hash(state, out);
    state[0] = out[0]; // chain so no call can be skipped
  }
};
const BATCH = 1024;
const states = new Uint32Array(24 * BATCH).map((_, i) => i * 2654435761);
const outs = new Uint32Array(8 * BATCH);
const batch = (k: Kernel) => (iters: number) => {
  for (let done = 0; done < iters; done += BATCH) k.hashMany(states, outs, Math.min(BATCH, iters - done));
};

note(`default kernel: ${kernel.name}`);
report('poseidon.perms_per_s', rate(single(kernel.hash), 2), 'perms/s');
for (const name of ['native', 'wasm', 'bigint'] as KernelName[]) {
  let k: Kernel;
  try {
    k = loadKernel(name);
  } catch {
    note(`${name} kernel not built; skipped`);
    continue;
  }
  report(`poseidon.perms_per_s.${name}`, rate(single(k.hash), name === 'bigint' ? 1 : 1.5), 'perms/s');
  if (name !== 'bigint') report(`poseidon.perms_per_s.${name}_batch`, rate(batch(k), 1.5), 'perms/s');
}
const native = loadNativeBinding();
if (native) report('poseidon.perms_per_s.native_sparse', rate(single(native.hashSparse), 1.5), 'perms/s');
