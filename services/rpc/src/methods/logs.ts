import { CodedError, RpcErrorCode } from '@zkseq/errors';
import type { FoundLog } from '@zkseq/statedb';
import * as fmt from '../format';
import { headNumber, resolveBlock, type RpcBackend } from '../backend';
import { args, invalidParams, logFilter, required, type BlockRef, type LogFilterParams } from '../params';
import type { Handler } from '../jsonrpc';

async function blockNumberOf(b: RpcBackend, ref: BlockRef | undefined, head: number): Promise<number> {
  if (!ref || ('tag' in ref && (ref.tag === 'latest' || ref.tag === 'pending'))) return head;
  if ('number' in ref) return ref.number;
  const block = await resolveBlock(b, ref);
  return block ? block.number : head;
}

/** The inclusive block range of a filter, clamped to the head and bounded by the configured span. */
export async function filterRange(b: RpcBackend, f: LogFilterParams, from?: number): Promise<{ from: number; to: number }> {
  const head = await headNumber(b);
  if (f.blockHash) {
    const block = await resolveBlock(b, { hash: f.blockHash });
    if (!block) throw new CodedError(RpcErrorCode.BlockNotFound, 'unknown block');
    return { from: block.number, to: block.number };
  }
  const start = from ?? (await blockNumberOf(b, f.fromBlock, head));
  const end = Math.min(await blockNumberOf(b, f.toBlock, head), head);
  if (from === undefined && start > end && start <= head) throw invalidParams(`invalid block range: fromBlock ${start} is after toBlock ${end}`);
  const limit = b.settings.maxLogBlockRange;
  if (end - start + 1 > limit) {
    throw new CodedError(RpcErrorCode.BlockRangeTooLarge, `block range too large: ${start}..${end} spans more than ${limit} blocks`, {
      fromBlock: start, toBlock: end, limit,
    });
  }
  return { from: start, to: end };
}

export async function findLogs(b: RpcBackend, f: LogFilterParams, from: number, to: number): Promise<FoundLog[]> {
  if (from > to) return [];
  return b.state.getLogs({ fromBlock: from, toBlock: to, addresses: f.addresses, topics: f.topics });
}

/** eth_getLogs over the StateDB's log indexes. */
export function logMethods(b: RpcBackend): Record<string, Handler> {
  return {
    eth_getLogs: async (p) => {
      const [raw] = args(p, 1);
      const f = required(logFilter, raw, 'filter');
      const { from, to } = await filterRange(b, f);
      return (await findLogs(b, f, from, to)).map(fmt.log);
    },
  };
}
