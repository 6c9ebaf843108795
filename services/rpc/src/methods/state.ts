import { bigIntToH4, keyBalance, keyCode, keyNonce, keyStorage } from '@zkseq/smt';
import { hexQ } from '../format';
import { requireBlock, type RpcBackend } from '../backend';
import { address, args, blockRef, required, slot } from '../params';
import type { Handler } from '../jsonrpc';

/** Account state at a block's state root, from the hashdb: balance, nonce (and pending nonce), code, storage. */
export function stateMethods(b: RpcBackend): Record<string, Handler> {
  const rootOf = async (tag: unknown) => (await requireBlock(b, blockRef(tag, 'block'))).stateRoot;
  return {
    eth_getBalance: async (p) => {
      const [a, tag] = args(p, 2);
      const addr = required(address, a, 'address');
      return hexQ(await b.leaves.read(await rootOf(tag), keyBalance(addr)));
    },
    eth_getTransactionCount: async (p) => {
      const [a, tag] = args(p, 2);
      const addr = required(address, a, 'address');
      const nonce = await b.leaves.read(await rootOf(tag), keyNonce(addr));
      if (tag !== 'pending') return hexQ(nonce);
      return hexQ(await b.pool.pendingNonce(addr, Number(nonce)));
    },
    eth_getCode: async (p) => {
      const [a, tag] = args(p, 2);
      const addr = required(address, a, 'address');
      const codeHash = await b.leaves.read(await rootOf(tag), keyCode(addr));
      if (codeHash === 0n) return '0x';
      return `0x${Buffer.from(await b.hashdb.getProgram(bigIntToH4(codeHash))).toString('hex')}`;
    },
    eth_getStorageAt: async (p) => {
      const [a, s, tag] = args(p, 3);
      const addr = required(address, a, 'address');
      const value = await b.leaves.read(await rootOf(tag), keyStorage(addr, required(slot, s, 'slot')));
      return `0x${value.toString(16).padStart(64, '0')}`;
    },
  };
}
