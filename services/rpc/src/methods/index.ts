import type { RpcBackend } from '../backend';
import type { Handler } from '../jsonrpc';
import { blockMethods } from './blocks';
import { callMethods } from './call';
import { chainMethods } from './chain';
import { filterMethods } from './filters';
import { logMethods } from './logs';
import { stateMethods } from './state';
import { subscribeMethods } from './subscribe';
import { txMethods } from './txs';
import { zkevmMethods } from './zkevm';

/** Every JSON-RPC method the service answers. */
export function allMethods(b: RpcBackend): Map<string, Handler> {
  return new Map(
    Object.entries({
      ...chainMethods(b),
      ...stateMethods(b),
      ...txMethods(b),
      ...blockMethods(b),
      ...logMethods(b),
      ...filterMethods(b),
      ...callMethods(b),
      ...zkevmMethods(b),
      ...subscribeMethods(),
    }),
  );
}
