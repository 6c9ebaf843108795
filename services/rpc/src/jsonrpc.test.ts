import { CodedError, PoolErrorCode, RpcErrorCode } from '@zkseq/errors';
import { createLogger } from '@zkseq/service';
import { Dispatcher, type Handler } from './jsonrpc';

const calls: [string, number | 'ok'][] = [];
const methods = new Map<string, Handler>([
  ['echo', (p) => p],
  ['nothing', () => undefined],
  ['pool', () => { throw new CodedError(PoolErrorCode.NonceTooLow, 'nonce too low', { stateNonce: 3 }); }],
  ['crash', () => { throw new Error('secret detail'); }],
]);
const d = new Dispatcher(methods, { maxBatch: 3 }, createLogger('test', 'silent'), { call: (m, o) => calls.push([m, o]) });
const ctx = { ip: '127.0.0.1', transport: 'http' as const };
const req = (method: string, params?: unknown, id: unknown = 1) => ({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });

describe('Dispatcher', () => {
  it('answers results, nulls and coded errors through the wire table', async () => {
    expect(await d.handle(req('echo', [1, 'a']), ctx)).toEqual({ jsonrpc: '2.0', id: 1, result: [1, 'a'] });
    expect(await d.handle(req('nothing', [], 'x'), ctx)).toEqual({ jsonrpc: '2.0', id: 'x', result: null });
    expect(await d.handle(req('pool'), ctx)).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'nonce too low', data: { stateNonce: 3 } } });
    expect(await d.handle(req('crash'), ctx)).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'internal error' } });
    expect(calls).toContainEqual(['pool', -32000]);
  });

  it('keeps notifications silent and batches in order', async () => {
    expect(await d.handle({ jsonrpc: '2.0', method: 'echo' }, ctx)).toBeNull();
    expect(await d.handle([{ jsonrpc: '2.0', method: 'echo' }], ctx)).toBeNull();
    expect(await d.handle([req('echo', [1], 1), { jsonrpc: '2.0', method: 'pool' }, req('echo', [2], 2)], ctx)).toEqual([
      { jsonrpc: '2.0', id: 1, result: [1] },
      { jsonrpc: '2.0', id: 2, result: [2] },
    ]);
  });

  it('refuses bad envelopes and batches over the limit without running them', async () => {
    expect(await d.handle(req('nope'), ctx)).toMatchObject({ error: { code: -32601 } });
    expect(await d.handle([], ctx)).toMatchObject({ id: null, error: { code: -32600 } });
    expect(await d.handle([req('crash'), req('crash'), req('crash'), req('crash')], ctx)).toMatchObject({ id: null, error: { code: -32005, data: { size: 4, limit: 3 } } });
    expect(d.cost([1, 2, 3])).toBe(3);
    expect(d.cost([1, 2, 3, 4])).toBe(1);
    expect(d.parse('{').ok).toBe(false);
    expect(new CodedError(RpcErrorCode.RateLimited, 'x').wire.jsonRpc).toBe(-32005);
  });
});
