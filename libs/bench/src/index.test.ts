import { percentile } from './index';

describe('percentile', () => {
  it('uses nearest rank', () => {
    const s = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(s, 50)).toBe(5);
    expect(percentile(s, 99)).toBe(10);
    expect(percentile(s, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});
