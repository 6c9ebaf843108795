import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashDbClient } from '@zkseq/grpc';
import { keyBalance, type H4 } from '@zkseq/smt';
import { startHashDb } from './hashdb-process';

const Z: H4 = [0n, 0n, 0n, 0n];
const addr = (i: number) => '0x' + i.toString(16).padStart(40, '0');

jest.setTimeout(120_000);

describe('hashdb durability', () => {
  it('after kill -9, everything up to the stored flush id is readable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hashdb-dur-'));
    try {
      let proc = await startHashDb({ HASHDB_DATA_DIR: dir });
      let client = new HashDbClient({ address: proc.grpcAddress });
      const firstInstance = await client.instanceId();
      // Many steps, so the writes span several background LevelDB batches.
      let root = Z;
      const roots: H4[] = [];
      for (let b = 0; b < 20; b++) {
        const steps = Array.from({ length: 10 }, (_, s) => ({ changes: Array.from({ length: 20 }, (_, i) => ({ key: keyBalance(addr(b * 1000 + s * 20 + i)), value: BigInt(b + 1) })) }));
        const res = await client.applySteps(root, steps);
        root = res[res.length - 1].root;
        roots.push(root);
      }
      const [program] = await client.setPrograms([Buffer.from('60016002', 'hex')]);
      const id = await client.flush();
      for (;;) {
        const st = await client.flushStatus();
        if (st.storedFlushId >= id) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      proc.child.kill('SIGKILL');
      await proc.exited;
      client.close();

      proc = await startHashDb({ HASHDB_DATA_DIR: dir });
      client = new HashDbClient({ address: proc.grpcAddress });
      expect(await client.instanceId()).not.toBe(firstInstance);
      expect((await client.flushStatus()).storedFlushId).toBe(id);
      for (const [b, r] of roots.entries()) {
        const keys = [0, 7, 199].map((i) => keyBalance(addr(b * 1000 + i)));
        expect(await client.getLeaves(r, keys)).toEqual([BigInt(b + 1), BigInt(b + 1), BigInt(b + 1)]);
      }
      expect(Buffer.from(await client.getProgram(program)).toString('hex')).toBe('60016002');
      client.close();
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
