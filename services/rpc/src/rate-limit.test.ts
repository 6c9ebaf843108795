import { RateLimiter } from './rate-limit';

describe('RateLimiter', () => {
  it('allows a burst, then refills at the rate, per IP', () => {
    const rl = new RateLimiter(10, 20);
    expect(rl.take('a', 20, 1_000)).toBe(0);
    expect(rl.take('a', 1, 1_000)).toBe(100);
    expect(rl.take('b', 5, 1_000)).toBe(0);
    expect(rl.take('a', 5, 1_500)).toBe(0);
    expect(rl.take('a', 1, 1_500)).toBe(100);
    expect(new RateLimiter(0, 1).take('a', 1000)).toBe(0);
  });
});
