import { RomError } from './constants';
import { CounterTracker, exceeded, ROM_LIMITS, zeroCounters } from './counters';

describe('virtual counter model', () => {
  it('evaluates the zk-counters.json formulas', () => {
    const t = new CounterTracker(32);
    expect(t.batch(135)).toEqual({ steps: 372, keccakF: 1 + 2, poseidonG: 2 * 32 + 46, paddingPG: 0, memAlign: 0, arith: 1, binary: 6 });
    expect(t.batch(136).keccakF).toBe(2 + 2);
    t.beginTx(false);
    expect(t.op('processTx.call', { bl: 0 })).toEqual({ steps: 875, keccakF: 1, poseidonG: 20 * 32 + 162 + 1, paddingPG: 7, memAlign: 0, arith: 7, binary: 45 });
    expect(t.op('processTx.call', { bl: 100 })).toMatchObject({ steps: 925, poseidonG: 20 * 32 + 162 + 2, arith: 8, binary: 48 });
  });

  it('counts opcodes from the stack, with the SHA3 and LOG corrections', () => {
    const t = new CounterTracker(32);
    t.beginTx(false);
    const runState = (stack: bigint[], depth = 0, isCreate = false) =>
      ({ stack: { peek: (n: number) => stack.slice(0, n) }, env: { depth, isCreate } }) as never;
    expect(t.opcode(0x01, runState([]))).toBeUndefined(); // ADD: constant, synchronous
    expect(t.tx).toMatchObject({ steps: 22, binary: 1 });
    t.beginTx(false);
    t.opcode(0x20, runState([0n, 64n])); // SHA3 of 64 bytes
    expect(t.tx).toMatchObject({ keccakF: 1, steps: 552 + 150 + 258 * 2, memAlign: 3 });
    t.beginTx(false);
    t.opcode(0xa1, runState([0n, 100n])); // LOG1 of 100 bytes loops floor(101/32) = 3 times
    expect(t.tx).toMatchObject({ steps: 535 + 150 + 260 * 3, memAlign: 4, poseidonG: 2 + 27 });
    t.beginTx(false);
    t.opcode(0x56, runState([], 1, true)); // JUMP inside CREATE init code
    expect(t.tx).toMatchObject({ steps: 377, memAlign: 1, arith: 6, binary: 18 });
  });

  it('names the first counter over its limit', () => {
    const used = zeroCounters();
    expect(exceeded(used, ROM_LIMITS)).toBeNull();
    used.binary = ROM_LIMITS.binary + 1;
    expect(exceeded(used, ROM_LIMITS)).toBe(RomError.OutOfCountersBinary);
    used.keccakF = ROM_LIMITS.keccakF + 1;
    expect(exceeded(used, ROM_LIMITS)).toBe(RomError.OutOfCountersKeccak);
  });
});
