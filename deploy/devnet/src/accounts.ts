import { HDNodeWallet, Mnemonic } from 'ethers';
import { keccak256, privateKeyToAddress, toHex } from '@zkseq/batch';
import { DEV_MNEMONIC } from '@zkseq/contracts';
import type { L2Genesis } from '@zkseq/genesis';
import { h4ToHex, HashDb, MemoryBackend, type GenesisAccount } from '@zkseq/smt';

export type KeyedAccount = { address: string; privateKey: string };

const ETHER = 10n ** 18n;
/** What hardhat gives each of its development accounts. */
export const DEV_ACCOUNT_BALANCE = 10_000n * ETHER;
export const DEV_ACCOUNT_COUNT = 20;
export const LOAD_ACCOUNT_BALANCE = 1_000n * ETHER;
/** L2 coinbase of the devnet sequencer (fees go there, not to a wallet someone watches). */
export const DEVNET_COINBASE = '0x00000000000000000000000000000000c01bba5e';

/** The first `count` accounts of the development mnemonic (m/44'/60'/0'/0/i), like hardhat's. */
export function devAccounts(count = DEV_ACCOUNT_COUNT): KeyedAccount[] {
  // Deriving the parent once: the mnemonic's seed (PBKDF2) is the slow part.
  const parent = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEV_MNEMONIC), "m/44'/60'/0'/0");
  return Array.from({ length: count }, (_, i) => {
    const w = parent.deriveChild(i);
    return { address: w.address, privateKey: w.privateKey };
  });
}

/**
 * Accounts for load generation: key i = keccak256("zkseq-load-account-<i>"). Public keys for a
 * development chain only; cheap to derive in the thousands, unlike HD wallets.
 */
export function loadAccounts(count: number, first = 0): KeyedAccount[] {
  return Array.from({ length: count }, (_, k) => {
    const key = keccak256(Buffer.from(`zkseq-load-account-${first + k}`));
    return { address: toHex(privateKeyToAddress(key)), privateKey: toHex(key) };
  });
}

export type DevGenesisOptions = { chainId: number; timestamp: number; loadAccounts: number };

/** The devnet's L2 genesis: the 20 development accounts and the load accounts, with its root. */
export async function devGenesis(o: DevGenesisOptions): Promise<L2Genesis> {
  const accounts: GenesisAccount[] = [
    ...devAccounts().map((a) => ({ address: a.address.toLowerCase(), balance: DEV_ACCOUNT_BALANCE, nonce: 0n })),
    ...loadAccounts(o.loadAccounts).map((a) => ({ address: a.address.toLowerCase(), balance: LOAD_ACCOUNT_BALANCE, nonce: 0n })),
  ];
  return { chainId: o.chainId, timestamp: o.timestamp, root: await genesisRoot(accounts), accounts };
}

/** State root of a genesis, computed in memory (the hashdb must arrive at the same one). */
export async function genesisRoot(accounts: readonly GenesisAccount[]): Promise<string> {
  const db = new HashDb(new MemoryBackend());
  try {
    return h4ToHex(await db.loadGenesis(accounts, { persist: false }));
  } finally {
    await db.close();
  }
}
