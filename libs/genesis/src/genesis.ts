import { readFileSync, writeFileSync } from 'node:fs';
import type { GenesisAccount } from '@zkseq/smt';

/**
 * The L2 genesis: what batch 0 holds. The file is the zkevm-contracts `genesis.json` shape (a
 * `genesis` array of accounts, an optional expected `root`) plus the chain id and the genesis
 * timestamp, so the hashdb's own genesis loading reads the same file.
 */
export type L2Genesis = {
  chainId: number;
  /** Genesis block timestamp (seconds); batch 1 never gets an earlier one. */
  timestamp: number;
  /** State root the accounts must produce (checked by whoever loads them), when known. */
  root?: string;
  accounts: GenesisAccount[];
};

/** JSON form: quantities as decimal or 0x-hex strings, code and storage as 0x-hex. */
export type GenesisJson = {
  chainId: number;
  timestamp: number;
  root?: string;
  genesis: { address: string; balance?: string; nonce?: string; bytecode?: string; storage?: Record<string, string>; accountName?: string; contractName?: string }[];
};

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HEX = /^0x([0-9a-fA-F]{2})*$/;

function quantity(v: unknown, what: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v !== 'string' || !/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) throw new Error(`${what}: expected a non-negative decimal or 0x-hex quantity, got ${JSON.stringify(v)}`);
  return BigInt(v);
}

function positiveInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw new Error(`${what}: expected a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

/** Validates a parsed genesis JSON; every error names the source and the offending field. */
export function parseGenesis(json: unknown, source = 'genesis'): L2Genesis {
  if (typeof json !== 'object' || json === null) throw new Error(`${source}: expected a JSON object`);
  const g = json as Partial<GenesisJson>;
  if (!Array.isArray(g.genesis)) throw new Error(`${source}: expected a "genesis" array of accounts`);
  if (g.root !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(g.root)) throw new Error(`${source}: "root" must be a 0x-prefixed 32-byte hex value`);
  const seen = new Set<string>();
  const accounts = g.genesis.map((a, i): GenesisAccount => {
    const at = `${source}: genesis[${i}]`;
    if (typeof a?.address !== 'string' || !ADDRESS.test(a.address)) throw new Error(`${at}.address: expected a 0x-prefixed 20-byte hex address`);
    const address = a.address.toLowerCase();
    if (seen.has(address)) throw new Error(`${at}.address: ${address} appears twice`);
    seen.add(address);
    const code = a.bytecode ?? '0x';
    if (!HEX.test(code)) throw new Error(`${at}.bytecode: expected 0x-prefixed hex bytes`);
    const storage = new Map<bigint, bigint>();
    for (const [slot, value] of Object.entries(a.storage ?? {})) storage.set(quantity(slot, `${at}.storage key`), quantity(value, `${at}.storage[${slot}]`));
    return {
      address,
      balance: quantity(a.balance ?? '0', `${at}.balance`),
      nonce: quantity(a.nonce ?? '0', `${at}.nonce`),
      code: Buffer.from(code.slice(2), 'hex'),
      storage,
    };
  });
  return { chainId: positiveInt(g.chainId, `${source}: chainId`), timestamp: positiveInt(g.timestamp, `${source}: timestamp`), root: g.root?.toLowerCase(), accounts };
}

export function readGenesisFile(path: string): L2Genesis {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: cannot read the genesis file: ${(err as Error).message}`);
  }
  return parseGenesis(json, path);
}

const hex = (v: bigint) => `0x${v.toString(16)}`;

export function genesisToJson(g: L2Genesis): GenesisJson {
  return {
    chainId: g.chainId,
    timestamp: g.timestamp,
    ...(g.root ? { root: g.root } : {}),
    genesis: g.accounts.map((a) => ({
      address: a.address.toLowerCase(),
      balance: (a.balance ?? 0n).toString(),
      nonce: (a.nonce ?? 0n).toString(),
      ...(a.code && a.code.length > 0 ? { bytecode: `0x${Buffer.from(a.code).toString('hex')}` } : {}),
      ...(a.storage && a.storage.size > 0 ? { storage: Object.fromEntries([...a.storage].map(([k, v]) => [hex(k), hex(v)])) } : {}),
    })),
  };
}

export function writeGenesisFile(path: string, g: L2Genesis): void {
  writeFileSync(path, `${JSON.stringify(genesisToJson(g), null, 2)}\n`);
}
