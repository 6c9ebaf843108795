import { h4ToBigInt, HashDb, keyBalance, keyCodeLength, keyStorage, MemoryBackend, hashBytecode, type H4 } from '@zkseq/smt';
import { batchInput, signed, wallets } from './bench-fixtures';
import { ADDRESS_SYSTEM, RomError } from './constants';
import { stateRootSlot } from './evm-factory';
import { BatchExecutor } from './processor';

// Whole-batch executions; CI machines are shared and slow.
jest.setTimeout(180_000);

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const addr = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;
const A = addr(0xa0001); // JUMPDEST inside push data
const B = addr(0xb0001); // SENDALL to BENEFICIARY
const C = addr(0xc0001); // EXTCODEHASH(B)
const D = addr(0xd0001); // CALL sha256 (unsupported) -> success flag + 1
const E = addr(0xe0001); // BLOCKHASH(1)
const BENEFICIARY = addr(0xbeef);

const code = {
  // PUSH1 4, JUMP, PUSH1 0x5b (the jump lands on its data byte), PUSH1 42, PUSH1 0, SSTORE, STOP
  [A]: '600456605b602a60005500',
  [B]: `73${BENEFICIARY.slice(2)}ff`,
  [C]: `73${B.slice(2)}3f60005500`,
  // CALL(gas, 0x02, 0, 0, 0, 0, 0) + 1 -> slot 0
  [D]: '600060006000600060006002' + '5af1' + '600101' + '60005500',
  [E]: '600140' + '60005500',
};

describe('fork-6 EVM semantics', () => {
  it('JUMPDEST in push data, SENDALL, Poseidon EXTCODEHASH, unsupported precompile, BLOCKHASH', async () => {
    const db = new HashDb(new MemoryBackend());
    const [user] = wallets(1, 'semantics');
    const root: H4 = await db.loadGenesis([
      { address: user.address, balance: 10n ** 21n },
      ...Object.entries(code).map(([address, c]) => ({ address, code: hex(c), balance: address === B ? 1000n : 0n })),
    ]);
    const call = (nonce: bigint, to: string) => signed(user, { nonce, gasLimit: 200_000n, to: hex(to.slice(2)), value: 0n, data: new Uint8Array(0) });
    const data = Buffer.concat([A, B, C, D, E].map((to, i) => call(BigInt(i), to)));
    const res = await new BatchExecutor(db).processBatch(batchInput(root, data, 0n));
    expect(res.responses.map((r) => r.error)).toEqual([RomError.NoError, RomError.NoError, RomError.NoError, RomError.NoError, RomError.NoError]);
    const get = async (keys: H4[]) => db.getLeaves(res.newStateRoot, keys);
    const [a0, benBal, bBal, bLen, c0, d0, e0, r1] = await get([
      keyStorage(A, 0n),
      keyBalance(BENEFICIARY),
      keyBalance(B),
      keyCodeLength(B),
      keyStorage(C, 0n),
      keyStorage(D, 0n),
      keyStorage(E, 0n),
      keyStorage(ADDRESS_SYSTEM, stateRootSlot(1n)),
    ]);
    expect(a0).toBe(42n);
    expect([benBal, bBal, bLen]).toEqual([1000n, 0n, BigInt(code[B].length / 2)]);
    expect(c0).toBe(h4ToBigInt(hashBytecode(hex(code[B]))));
    expect(d0).toBe(1n); // the call failed (flag 0) and cost nothing extra
    // BLOCKHASH(1) is R1 of block 1, the value the system contract keeps for it.
    expect(e0).toBe(r1);
    expect(e0).not.toBe(0n);
  });
});

describe('out of counters (ROM mode)', () => {
  it('sends the whole batch back to its post-GER root and reports the OOC error on the failing tx', async () => {
    const db = new HashDb(new MemoryBackend());
    const [user] = wallets(1, 'ooc');
    const root = await db.loadGenesis([{ address: user.address, balance: 10n ** 21n }]);
    const tx = (nonce: bigint) => signed(user, { nonce, gasLimit: 21_000n, to: hex('11'.repeat(20)), value: 1n, data: new Uint8Array(0) });
    const input = { ...batchInput(root, Buffer.concat([tx(0n), tx(1n), tx(2n)]), 0n), globalExitRoot: hex('ab'.repeat(32)) };
    // One step short of what the three transfers need: the third one runs out.
    const full = await new BatchExecutor(db).processBatch(input);
    const limits = { steps: full.counters.steps - 1, keccakF: 1e9, poseidonG: 1e9, paddingPG: 1e9, memAlign: 1e9, arith: 1e9, binary: 1e9 };
    const res = await new BatchExecutor(db, { limits }).processBatch(input);
    expect(res.romError).toBe(RomError.OutOfCountersStep);
    expect(res.responses.map((r) => r.error)).toEqual([RomError.NoError, RomError.NoError, RomError.OutOfCountersStep]);
    expect(res.responses.every((r) => !r.included)).toBe(true);
    // Only the GER write survives: the same root as a batch with no transactions.
    const empty = await new BatchExecutor(db).processBatch({ ...input, batchL2Data: new Uint8Array(0) });
    expect(res.newStateRoot).toEqual(empty.newStateRoot);
    expect(res.newStateRoot).not.toEqual(root);
  });
});

describe('chunked hashdb writes', () => {
  it('give the same roots per tx and per batch as one write at the end', async () => {
    const [user] = wallets(1, 'chunks');
    const E2 = addr(0xe0002);
    const run = async (chunkSteps: number) => {
      const db = new HashDb(new MemoryBackend());
      const root = await db.loadGenesis([{ address: user.address, balance: 10n ** 21n }, { address: E2, code: hex(code[E]) }]);
      const txs = Array.from({ length: 10 }, (_, i) =>
        signed(user, { nonce: BigInt(i), gasLimit: 100_000n, to: hex((i === 6 ? E2 : addr(0x1000 + i)).slice(2)), value: 1n, data: new Uint8Array(0) }),
      );
      const res = await new BatchExecutor(db, { chunkSteps }).processBatch(batchInput(root, Buffer.concat(txs), 0n));
      expect(res.responses.every((r) => r.error === RomError.NoError)).toBe(true);
      return { root: res.newStateRoot, perTx: res.responses.map((r) => r.stateRoot), calls: res.hashdbCalls };
    };
    const one = await run(1000);
    const chunked = await run(3);
    expect(chunked.root).toEqual(one.root);
    expect(chunked.perTx).toEqual(one.perTx);
    expect(chunked.calls).toBeGreaterThan(one.calls);
  });
});

describe('candidate mode', () => {
  it('leaves out a tx that can never fit (OOC) and one that does not fit what is left (NOT_INCLUDED)', async () => {
    const db = new HashDb(new MemoryBackend());
    const [user] = wallets(1, 'candidates');
    const root = await db.loadGenesis([{ address: user.address, balance: 10n ** 21n }]);
    const to = hex('22'.repeat(20));
    const small = (nonce: bigint) => signed(user, { nonce, gasLimit: 21_000n, to, value: 1n, data: new Uint8Array(0) });
    // 40 kB of calldata costs more steps to parse than a whole batch has.
    const huge = signed(user, { nonce: 1n, gasLimit: 500_000n, to, value: 1n, data: new Uint8Array(40_000) });
    const { steps, keccakF, poseidonG, paddingPG, memAlign, arith, binary } = { steps: 7_000_000, keccakF: 2000, poseidonG: 250_000, paddingPG: 130_000, memAlign: 230_000, arith: 230_000, binary: 470_000 };
    const remaining = { steps, keccakF, poseidonG, paddingPG, memAlign, arith, binary, gas: 42_000n, bytes: 100_000, txs: 10 };
    const res = await new BatchExecutor(db).processBatch({ ...batchInput(root, Buffer.concat([small(0n), huge, small(1n), small(2n)]), 0n), remaining });
    expect(res.responses.map((r) => [r.error, r.included])).toEqual([
      [RomError.NoError, true],
      [RomError.OutOfCountersStep, false],
      [RomError.NoError, true],
      [RomError.NotIncluded, false], // the gas left (42 000) is used up
    ]);
    expect(res.romError).toBe(RomError.NoError);
    expect(res.cumulativeGasUsed).toBe(42_000n);
    expect(Buffer.from(res.includedBatchL2Data)).toEqual(Buffer.concat([small(0n), small(1n)]));
    // Hashes describe the batch of the included txs.
    const plain = await new BatchExecutor(db).processBatch({ ...batchInput(root, Buffer.concat([small(0n), small(1n)]), 0n), updateMerkleTree: false });
    expect(res.newAccInputHash).toEqual(plain.newAccInputHash);
    expect(res.newStateRoot).toEqual(plain.newStateRoot);
    // The same txs as a plain batch: the ROM rule sends everything back to the post-GER root.
    const rom = await new BatchExecutor(db).processBatch(batchInput(root, Buffer.concat([small(0n), huge]), 0n));
    expect(rom.romError).toBe(RomError.OutOfCountersStep);
    expect(rom.newStateRoot).toEqual(root);
  });
});

describe('mapping slot learning', () => {
  it('reads the mapping entries of later txs in the batch prefetch', async () => {
    const db = new HashDb(new MemoryBackend());
    const users = wallets(6, 'learner');
    const M = addr(0xf0001);
    // balanceOf[msg.sender] (mapping at slot 3) copied to slot 0:
    // CALLER PUSH1 0 MSTORE PUSH1 3 PUSH1 32 MSTORE PUSH1 64 PUSH1 0 SHA3 SLOAD PUSH1 0 SSTORE STOP
    const mcode = hex('33600052600360205260406000205460005500');
    const root = await db.loadGenesis([...users.map((u) => ({ address: u.address, balance: 10n ** 21n })), { address: M, code: mcode }]);
    const exec = new BatchExecutor(db);
    const batch = (from: typeof users, nonce: bigint) =>
      Buffer.concat(from.map((u) => signed(u, { nonce, gasLimit: 100_000n, to: hex(M.slice(2)), value: 0n, data: hex('12345678') })));
    const first = await exec.processBatch(batchInput(root, batch(users.slice(0, 4), 0n), 0n));
    expect(first.responses.every((r) => r.error === RomError.NoError)).toBe(true);
    // Learned: the next batch needs one read and one write, not a read per mapping entry.
    const second = await exec.processBatch(batchInput(first.newStateRoot, batch(users.slice(4), 0n), 1n));
    expect(second.responses.every((r) => r.error === RomError.NoError)).toBe(true);
    expect(second.hashdbCalls).toBe(2);
  });
});
