import { sleep, TimeoutError, withRetry, withTimeout } from './resilience';

describe('withRetry', () => {
  it('retries until success', async () => {
    let calls = 0;
    const res = await withRetry(async () => {
      if (++calls < 3) throw new Error('transient');
      return 'ok';
    }, { retries: 5, baseDelayMs: 1, maxDelayMs: 2 });
    expect(res).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up after the retry budget and on non-retryable errors', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw new Error('down'); }, { retries: 2, baseDelayMs: 1, maxDelayMs: 1 })).rejects.toThrow('down');
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      withRetry(async () => { calls++; throw new Error('bad input'); }, { retries: 5, baseDelayMs: 1, maxDelayMs: 1, isRetryable: () => false }),
    ).rejects.toThrow('bad input');
    expect(calls).toBe(1);
  });
});

describe('withTimeout and sleep', () => {
  it('rejects slow promises with TimeoutError', async () => {
    await expect(withTimeout(sleep(200), 10, 'slow op')).rejects.toBeInstanceOf(TimeoutError);
    await expect(withTimeout(Promise.resolve(5), 10, 'fast op')).resolves.toBe(5);
  });

  it('sleep stops on abort', async () => {
    const ac = new AbortController();
    const p = sleep(10_000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});
