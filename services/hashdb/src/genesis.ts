import { readFileSync } from 'node:fs';
import type { GenesisAccount } from '@zkseq/smt';

/** zkevm-contracts genesis.json: `{ root?, genesis: [{ address, balance, nonce, bytecode?, storage? }] }`. */
export function readGenesisFile(path: string): { accounts: GenesisAccount[]; root?: string } {
  const json = JSON.parse(readFileSync(path, 'utf8')) as {
    root?: string;
    genesis: { address: string; balance?: string; nonce?: string; bytecode?: string; storage?: Record<string, string> }[];
  };
  if (!Array.isArray(json.genesis)) throw new Error(`${path}: expected a "genesis" array of accounts`);
  const accounts = json.genesis.map((a) => {
    const hex = (a.bytecode ?? '').replace(/^0x/, '');
    return {
      address: a.address,
      balance: BigInt(a.balance ?? 0),
      nonce: BigInt(a.nonce ?? 0),
      code: Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex'),
      storage: new Map(Object.entries(a.storage ?? {}).map(([k, v]) => [BigInt(k), BigInt(v)])),
    };
  });
  return { accounts, root: json.root };
}
