import { CodedError, RpcErrorCode } from '@zkseq/errors';
import { args, invalidParams, required } from '../params';
import type { CallContext, Handler } from '../jsonrpc';

function host(ctx: CallContext) {
  if (!ctx.subscriptions) throw new CodedError(RpcErrorCode.MethodNotFound, 'notifications not supported: use the WebSocket endpoint');
  return ctx.subscriptions;
}

const str = (v: unknown, name: string) => {
  if (typeof v !== 'string') throw invalidParams(`invalid argument ${name}: expected a string`);
  return v;
};

/** eth_subscribe / eth_unsubscribe: WebSocket only. */
export function subscribeMethods(): Record<string, Handler> {
  return {
    eth_subscribe: (p, ctx) => {
      const [kind, params] = args(p, 2);
      return host(ctx).subscribe(required(str, kind, 'kind'), params);
    },
    eth_unsubscribe: (p, ctx) => {
      const [id] = args(p, 1);
      return host(ctx).unsubscribe(required(str, id, 'id').toLowerCase());
    },
  };
}
