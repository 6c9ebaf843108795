import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { genesisToJson, parseGenesis, readGenesisFile, writeGenesisFile, type L2Genesis } from './genesis';

const A = '0x00000000000000000000000000000000000000aa';
const B = '0x00000000000000000000000000000000000000bB';

describe('genesis file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkseq-genesis-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips accounts with balance, nonce, code and storage', () => {
    const g: L2Genesis = {
      chainId: 1001,
      timestamp: 1_700_000_000,
      accounts: [
        { address: A, balance: 10n ** 24n, nonce: 3n, code: new Uint8Array(0), storage: new Map() },
        { address: B.toLowerCase(), balance: 0n, nonce: 1n, code: Uint8Array.from([0x60, 0x00]), storage: new Map([[1n, 0xffn], [2n ** 255n, 7n]]) },
      ],
    };
    const path = join(dir, 'g.json');
    writeGenesisFile(path, g);
    const back = readGenesisFile(path);
    expect(back.chainId).toBe(1001);
    expect(back.timestamp).toBe(1_700_000_000);
    expect(back.accounts[0]).toMatchObject({ address: A, balance: 10n ** 24n, nonce: 3n });
    expect(Buffer.from(back.accounts[1].code!).toString('hex')).toBe('6000');
    expect([...back.accounts[1].storage!]).toEqual([[1n, 0xffn], [2n ** 255n, 7n]]);
    expect(genesisToJson(back)).toEqual(genesisToJson(g));
  });

  it('reads the zkevm-contracts shape (decimal strings, extra names) and names every bad field', () => {
    const ok = parseGenesis({ chainId: 5, timestamp: 9, genesis: [{ contractName: 'X', address: B, balance: '100', nonce: '0x2', bytecode: '0x00' }] });
    expect(ok.accounts[0]).toMatchObject({ address: B.toLowerCase(), balance: 100n, nonce: 2n });
    expect(() => parseGenesis({ chainId: 5, timestamp: 9 }, 'f')).toThrow('f: expected a "genesis" array');
    expect(() => parseGenesis({ chainId: 0, timestamp: 9, genesis: [] }, 'f')).toThrow('f: chainId: expected a positive integer');
    expect(() => parseGenesis({ chainId: 5, timestamp: 9, genesis: [{ address: '0x12' }] }, 'f')).toThrow('f: genesis[0].address');
    expect(() => parseGenesis({ chainId: 5, timestamp: 9, genesis: [{ address: A, balance: '-1' }] }, 'f')).toThrow('f: genesis[0].balance');
    expect(() => parseGenesis({ chainId: 5, timestamp: 9, genesis: [{ address: A }, { address: A }] }, 'f')).toThrow('appears twice');
    expect(() => parseGenesis({ chainId: 5, timestamp: 9, genesis: [{ address: A, bytecode: '0xabc' }] }, 'f')).toThrow('genesis[0].bytecode');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{nope');
    expect(() => readGenesisFile(bad)).toThrow(`${bad}: cannot read the genesis file`);
  });
});
