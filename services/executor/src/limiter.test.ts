import { CodedError } from '@zkseq/errors';
import { Limiter } from './limiter';

describe('Limiter', () => {
  it('runs at most N at once, queues up to M in order, refuses the rest', async () => {
    const l = new Limiter(1, 1);
    const order: string[] = [];
    let release!: () => void;
    const first = l.run(() => new Promise<void>((r) => (release = () => (order.push('a'), r()))));
    const second = l.run(async () => void order.push('b'));
    await expect(l.run(async () => void order.push('c'))).rejects.toBeInstanceOf(CodedError);
    expect(l.rejected).toBe(1);
    expect(l.queueLength).toBe(1);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['a', 'b']);
    await l.run(async () => void order.push('d'));
    expect(order).toEqual(['a', 'b', 'd']);
  });
});
