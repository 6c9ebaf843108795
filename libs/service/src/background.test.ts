import pino from 'pino';
import { Registry } from 'prom-client';
import { startBackgroundWork } from './background';
import type { ServiceContext } from './lifecycle';
import type { ReadinessCheck } from './ops-server';

function fakeContext() {
  const abort = new AbortController();
  const checks: ReadinessCheck[] = [];
  const closers: { name: string; close: () => Promise<void> | void }[] = [];
  const failures: unknown[] = [];
  const ctx: ServiceContext = {
    name: 'test', logger: pino({ level: 'silent' }), registry: new Registry(), signal: abort.signal,
    onShutdown: (name, close) => closers.push({ name, close }),
    addReadiness: (c) => checks.push(c),
    fail: (err) => failures.push(err),
  };
  return { ctx, abort, checks, closers, failures };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('startBackgroundWork', () => {
  it('retries init, turns ready, runs, and lets shutdown wait for the loop', async () => {
    const { ctx, abort, checks, closers, failures } = fakeContext();
    let attempts = 0;
    let stop!: () => void;
    const ran = new Promise<void>((r) => (stop = r));
    startBackgroundWork(ctx, {
      name: 'loop', readyWhen: 'loaded',
      init: async () => {
        if (++attempts < 2) throw new Error('not yet');
      },
      retryInit: { waiting: 'waiting' },
      run: () => ran,
    });
    expect(checks.map((c) => c.name)).toEqual(['loaded']);
    expect(checks[0].check()).toBe(false);
    for (let i = 0; i < 200 && !checks[0].check(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(attempts).toBe(2);
    expect(checks[0].check()).toBe(true);
    let closed = false;
    const closing = Promise.resolve(closers.find((c) => c.name === 'loop')!.close()).then(() => (closed = true));
    await tick();
    expect(closed).toBe(false);
    abort.abort();
    stop();
    await closing;
    expect(failures).toEqual([]);
  });

  it('fails the service when the loop fails outside shutdown, and not during it', async () => {
    const a = fakeContext();
    startBackgroundWork(a.ctx, { name: 'loop', readyWhen: 'loaded', init: async () => undefined, run: async () => Promise.reject(new Error('boom')) });
    await tick();
    expect(a.failures).toHaveLength(1);
    const b = fakeContext();
    b.abort.abort();
    startBackgroundWork(b.ctx, { name: 'loop', readyWhen: 'loaded', init: async () => undefined, run: async () => Promise.reject(new Error('stopped')) });
    await tick();
    expect(b.failures).toEqual([]);
  });

  it('does not retry init without retryInit', async () => {
    const { ctx, failures } = fakeContext();
    startBackgroundWork(ctx, { name: 'loop', readyWhen: 'loaded', init: async () => Promise.reject(new Error('no key')), run: async () => undefined });
    await tick();
    expect(failures).toHaveLength(1);
  });
});
