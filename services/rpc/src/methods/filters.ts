import { CodedError, RpcErrorCode } from '@zkseq/errors';
import * as fmt from '../format';
import { headNumber, type RpcBackend } from '../backend';
import { args, invalidParams, logFilter, required } from '../params';
import type { Handler } from '../jsonrpc';
import { filterRange, findLogs } from './logs';

const filterId = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(v)) throw invalidParams(`invalid argument ${name}: expected a filter id`);
  return v.toLowerCase();
};

const notFound = () => new CodedError(RpcErrorCode.FilterNotFound, 'filter not found');

/** Polling filters over HTTP: new blocks or matching logs since the previous poll. */
export function filterMethods(b: RpcBackend): Record<string, Handler> {
  // One poll returns at most this many blocks; the next poll continues where it stopped.
  const maxSpan = Math.min(b.settings.maxLogBlockRange, 1000);
  return {
    eth_newBlockFilter: async (p) => {
      args(p, 0);
      return b.filters.create('block', {}, await headNumber(b));
    },
    eth_newFilter: async (p) => {
      const [raw] = args(p, 1);
      const f = required(logFilter, raw, 'filter');
      if (f.blockHash) throw invalidParams('invalid argument filter: blockHash is not allowed in eth_newFilter');
      const head = await headNumber(b);
      const from = f.fromBlock && 'number' in f.fromBlock ? Math.min(f.fromBlock.number - 1, head) : head;
      return b.filters.create('logs', f, from);
    },
    eth_getFilterChanges: async (p) => {
      const [raw] = args(p, 1);
      const id = required(filterId, raw, 'id');
      const stored = await b.filters.get(id);
      if (!stored) throw notFound();
      const head = await headNumber(b);
      let to = Math.min(head, stored.last + maxSpan);
      if (stored.kind === 'logs' && stored.filter.toBlock && 'number' in stored.filter.toBlock) to = Math.min(to, stored.filter.toBlock.number);
      if (to <= stored.last) return [];
      if (!(await b.filters.advance(id, stored.last, to))) return [];
      if (stored.kind === 'block') {
        const numbers = Array.from({ length: to - stored.last }, (_, i) => stored.last + 1 + i);
        const blocks = await Promise.all(numbers.map((n) => b.state.getBlock(n)));
        return blocks.filter((x) => x !== null).map((x) => x.hash);
      }
      return (await findLogs(b, stored.filter, stored.last + 1, to)).map(fmt.log);
    },
    eth_getFilterLogs: async (p) => {
      const [raw] = args(p, 1);
      const stored = await b.filters.get(required(filterId, raw, 'id'));
      if (!stored || stored.kind !== 'logs') throw notFound();
      const { from, to } = await filterRange(b, stored.filter);
      return (await findLogs(b, stored.filter, from, to)).map(fmt.log);
    },
    eth_uninstallFilter: async (p) => {
      const [raw] = args(p, 1);
      return b.filters.remove(required(filterId, raw, 'id'));
    },
  };
}
