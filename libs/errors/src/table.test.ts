import { type ErrorCode, ExecutorErrorCode, GrpcStatus, HashDbErrorCode, JsonRpcCode, L1TxErrorCode, PoolErrorCode, RpcErrorCode, SequencingErrorCode } from './codes';
import { CodedError } from './coded-error';
import { wireCodes } from './table';

describe('wire code table', () => {
  it('maps every code of every domain', () => {
    for (const domain of [HashDbErrorCode, ExecutorErrorCode, PoolErrorCode, RpcErrorCode, L1TxErrorCode, SequencingErrorCode]) {
      for (const code of Object.values(domain) as ErrorCode[]) expect(wireCodes[code]).toBeDefined();
    }
  });

  it('gives coded errors their wire codes', () => {
    const err = new CodedError(HashDbErrorCode.UnknownRoot, 'root 0x12 is not stored');
    expect(err.wire).toEqual({ jsonRpc: JsonRpcCode.SERVER_ERROR, grpc: GrpcStatus.NOT_FOUND });
    expect(new CodedError(RpcErrorCode.MethodNotFound, 'x').wire.jsonRpc).toBe(-32601);
  });
});
