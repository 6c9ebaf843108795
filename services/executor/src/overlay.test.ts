import type { H4 } from '@zkseq/poseidon';
import { keysOf } from './keys';
import { LeafOverlay } from './overlay';

const ROOT: H4 = [1n, 2n, 3n, 4n];
const alice = keysOf('0x00000000000000000000000000000000000a11ce');
const bob = keysOf('0x0000000000000000000000000000000000000b0b');
const carol = keysOf('0x00000000000000000000000000000000000ca201');

/** A getLeaves whose calls are recorded and answered (or failed) by the test. */
function pendingDb() {
  const calls: { keys: H4[]; resolve: (v: bigint[]) => void; reject: (e: Error) => void }[] = [];
  const getLeaves = (_root: H4, keys: H4[]) => new Promise<bigint[]>((resolve, reject) => calls.push({ keys, resolve, reject }));
  return { calls, getLeaves };
}

describe('LeafOverlay read-ahead', () => {
  it('reads each leaf once, however often it is asked for, and serves reads from that one call', async () => {
    const db = pendingDb();
    const stats = { hashdbCalls: 0 };
    const ov = new LeafOverlay(db, ROOT, stats);
    ov.readAhead([alice.balance, alice.nonce, alice.balance]);
    ov.readAhead([alice.nonce, bob.balance]);
    expect(db.calls.map((c) => c.keys)).toEqual([[alice.balance.key, alice.nonce.key], [bob.balance.key]]);

    const read = ov.get(alice.nonce);
    db.calls[0].resolve([10n, 7n]);
    expect(await read).toBe(7n);
    expect(db.calls).toHaveLength(2);
    expect(stats.hashdbCalls).toBe(2);
  });

  it('prefetch waits for reads already on their way', async () => {
    const db = pendingDb();
    const ov = new LeafOverlay(db, ROOT, { hashdbCalls: 0 });
    ov.readAhead([alice.balance]);
    let done = false;
    const p = ov.prefetch([alice.balance, bob.nonce]).then(() => (done = true));
    expect(db.calls).toHaveLength(2);
    db.calls[1].resolve([0n]);
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    db.calls[0].resolve([5n]);
    await p;
    expect(await ov.get(alice.balance)).toBe(5n);
  });

  it('a failed read fails the reads waiting for its leaves, and a later read asks again', async () => {
    const db = pendingDb();
    const ov = new LeafOverlay(db, ROOT, { hashdbCalls: 0 });
    ov.readAhead([alice.balance, bob.balance]);
    const waiting = ov.get(alice.balance);
    db.calls[0].reject(new Error('hashdb unavailable'));
    await expect(waiting).rejects.toThrow('hashdb unavailable');

    ov.readAhead([carol.balance]);
    db.calls[1].reject(new Error('hashdb unavailable'));
    await new Promise((r) => setImmediate(r)); // unawaited, it is not an unhandled rejection
    const later = ov.get(bob.balance);
    expect(db.calls).toHaveLength(3);
    db.calls[2].resolve([9n]);
    expect(await later).toBe(9n);
  });
});
