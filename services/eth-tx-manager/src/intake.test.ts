import { L1TxErrorCode } from '@zkseq/errors';
import { invalidResult, validateRequest } from './intake';

const to = '0x' + '12'.repeat(20);

describe('validateRequest', () => {
  it('accepts a well-formed request and defaults the value to 0', () => {
    expect(validateRequest({ owner: 'seq-sender', id: 'sequence-from-1-to-3', to: to as `0x${string}`, data: '0xabcd' })).toEqual({
      ok: true,
      req: { owner: 'seq-sender', id: 'sequence-from-1-to-3', to, data: '0xabcd', value: '0', gasLimit: undefined },
    });
  });

  it.each([
    [{ id: 'x', to, data: '0x' }, 'owner'],
    [{ owner: 'a.b', id: 'x', to, data: '0x' }, 'owner'],
    [{ owner: 'a', to, data: '0x' }, 'id'],
    [{ owner: 'a', id: 'x'.repeat(201), to, data: '0x' }, 'id'],
    [{ owner: 'a', id: 'x', to: '0x12', data: '0x' }, 'to'],
    [{ owner: 'a', id: 'x', to, data: '0xabc' }, 'data'],
    [{ owner: 'a', id: 'x', to, data: '0x', value: '-1' }, 'value'],
    [{ owner: 'a', id: 'x', to, data: '0x', value: '01' }, 'value'],
    [{ owner: 'a', id: 'x', to, data: '0x', gasLimit: '0' }, 'gasLimit'],
  ])('rejects %j (bad %s)', (msg, field) => {
    const v = validateRequest(msg as never);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.message.startsWith(field)).toBe(true);
  });

  it('keeps owner and id of a rejected request so the rejection can be reported', () => {
    const v = validateRequest({ owner: 'a', id: 'x', to: 'nope' as never, data: '0x' });
    expect(v).toMatchObject({ ok: false, owner: 'a', id: 'x' });
    expect(invalidResult('a', 'x', 'to must be ...').result).toEqual({ owner: 'a', id: 'x', status: 'failed', error: { code: L1TxErrorCode.InvalidRequest, message: 'to must be ...' } });
  });
});
