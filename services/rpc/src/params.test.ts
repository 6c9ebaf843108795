import { CodedError } from '@zkseq/errors';
import { address, args, blockRef, data, logFilter, quantity, slot } from './params';

const rejects = (fn: () => unknown, message: RegExp) => {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CodedError);
  expect((err as CodedError).message).toMatch(message);
};

describe('params', () => {
  it('parses quantities strictly', () => {
    expect(quantity('0x0', 'q')).toBe(0n);
    expect(quantity('0x1f', 'q')).toBe(31n);
    rejects(() => quantity('0x', 'q'), /hex quantity/);
    rejects(() => quantity('0x01', 'q'), /leading zeros/);
    rejects(() => quantity(31, 'q'), /got number/);
    rejects(() => quantity(`0x1${'0'.repeat(64)}`, 'q'), /256 bits/);
  });

  it('parses data, addresses, slots and block references', () => {
    expect(data('0xABcd', 'd')).toBe('0xabcd');
    rejects(() => data('0xabc', 'd'), /hex bytes/);
    expect(address(`0x${'Ab'.repeat(20)}`, 'a')).toBe(`0x${'ab'.repeat(20)}`);
    expect(slot('0x0', 's')).toBe(0n);
    expect(blockRef(undefined, 'b')).toEqual({ tag: 'latest' });
    expect(blockRef('0x10', 'b')).toEqual({ number: 16 });
    expect(blockRef({ blockHash: `0x${'11'.repeat(32)}` }, 'b')).toEqual({ hash: `0x${'11'.repeat(32)}` });
    rejects(() => blockRef({ blockHash: `0x${'11'.repeat(32)}` }, 'b', false), /expected a block number/);
    rejects(() => args({ a: 1 }, 1), /non-array/);
    rejects(() => args([1, 2], 1), /at most 1/);
  });

  it('parses log filters with topic alternatives', () => {
    const t = `0x${'aa'.repeat(32)}`;
    expect(logFilter({ address: `0x${'01'.repeat(20)}`, topics: [null, t, [t, t]], fromBlock: 'earliest' }, 'f')).toEqual({
      addresses: [`0x${'01'.repeat(20)}`], topics: [null, [t], [t, t]], fromBlock: { tag: 'earliest' },
    });
    rejects(() => logFilter({ blockHash: t, fromBlock: '0x1' }, 'f'), /excludes/);
    rejects(() => logFilter({ topics: [1] }, 'f'), /topics\[0\]\[0\]/);
  });
});
