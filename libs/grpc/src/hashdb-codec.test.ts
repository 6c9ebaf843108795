import { CodedError, GrpcStatus, HashDbErrorCode } from '@zkseq/errors';
import { bytesToH4, bytesToValue, h4ToBytes, valueToBytes } from './hashdb-codec';
import { fromServiceError, toServiceError } from './errors';

describe('hashdb wire codec', () => {
  it('round-trips h4 and values', () => {
    const h = [1n, 0xffffffff00000000n, 2n ** 63n, 0n] as [bigint, bigint, bigint, bigint];
    const b = h4ToBytes(h);
    expect(b.toString('hex').slice(0, 16)).toBe('0100000000000000'); // h0 little-endian first
    expect(bytesToH4(b, 'k', HashDbErrorCode.InvalidKey)).toEqual(h);
    for (const v of [0n, 1n, 255n, 256n, 2n ** 256n - 1n]) expect(bytesToValue(valueToBytes(v), 'v')).toBe(v);
    expect(valueToBytes(0n)).toHaveLength(0);
    expect(bytesToValue(Buffer.from('000001', 'hex'), 'v')).toBe(1n);
  });

  it('rejects malformed input with the domain codes', () => {
    expect(() => bytesToH4(Buffer.alloc(31), 'root', HashDbErrorCode.InvalidRoot)).toThrow(expect.objectContaining({ code: HashDbErrorCode.InvalidRoot }));
    expect(() => bytesToH4(Buffer.alloc(32, 0xff), 'key', HashDbErrorCode.InvalidKey)).toThrow(/word >= p/);
    expect(() => bytesToValue(Buffer.alloc(33), 'value')).toThrow(expect.objectContaining({ code: HashDbErrorCode.InvalidValue }));
  });

  it('maps CodedError to a gRPC status and back', () => {
    const se = toServiceError(new CodedError(HashDbErrorCode.UnknownRoot, 'root 0x01 is not stored'));
    expect(se.code).toBe(GrpcStatus.NOT_FOUND);
    const back = fromServiceError({ ...se, message: '', name: 'Error' } as Parameters<typeof fromServiceError>[0], 'getLeaves');
    expect(back).toBeInstanceOf(CodedError);
    expect(back).toMatchObject({ code: HashDbErrorCode.UnknownRoot, message: 'root 0x01 is not stored' });
    expect(toServiceError(new Error('boom')).code).toBe(GrpcStatus.INTERNAL);
  });
});
