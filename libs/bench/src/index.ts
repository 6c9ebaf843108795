/**
 * Benchmarks are plain scripts (`*.bench.ts`, compiled into each package's dist/) run by
 * `pnpm bench`. Each figure is one JSON line on stdout; everything else goes to stderr.
 */
export type Figure = { name: string; value: number; unit: string };

export function report(name: string, value: number, unit: string): void {
  const figure: Figure = { name, value: Math.round(value * 100) / 100, unit };
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}

/** Progress and context for humans; kept off stdout so it never mixes with figures. */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Runs `fn` repeatedly for about `seconds` after a warm-up and returns calls per second. */
export async function measureRate(fn: () => unknown | Promise<unknown>, seconds: number, warmupCalls = 100): Promise<number> {
  for (let i = 0; i < warmupCalls; i++) await fn();
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  let calls = 0;
  while (performance.now() < deadline) {
    await fn();
    calls++;
  }
  return calls / ((performance.now() - start) / 1000);
}

/** Percentile (0..100) of a list of samples, nearest-rank. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
