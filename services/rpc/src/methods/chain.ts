import { hexQ } from '../format';
import { headNumber, type RpcBackend } from '../backend';
import { args } from '../params';
import type { Handler } from '../jsonrpc';

/** Chain identity and head: eth_chainId, eth_blockNumber, eth_gasPrice, net_version, web3_clientVersion. */
export function chainMethods(b: RpcBackend): Record<string, Handler> {
  const s = b.settings;
  return {
    eth_chainId: (p) => (args(p, 0), hexQ(s.chainId)),
    net_version: (p) => (args(p, 0), String(s.chainId)),
    web3_clientVersion: (p) => (args(p, 0), s.clientVersion),
    eth_gasPrice: (p) => (args(p, 0), hexQ(s.gasPrice)),
    eth_blockNumber: async (p) => {
      args(p, 0);
      return hexQ(await headNumber(b));
    },
  };
}
