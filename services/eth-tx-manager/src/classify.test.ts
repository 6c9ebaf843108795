import { L1TxErrorCode } from '@zkseq/errors';
import { classifyCallError, sendVerdict } from './classify';
import { RpcResponseError, RpcUnavailableError } from '@zkseq/contracts';

const rpcErr = (message: string, revertData?: string) => new RpcResponseError('m', -32000, message, revertData);

describe('classification of node answers (geth and hardhat wording)', () => {
  it('reads eth_sendRawTransaction refusals', () => {
    expect(sendVerdict(rpcErr('already known'))).toBe('accepted');
    expect(sendVerdict(rpcErr('Known transaction: 0x12'))).toBe('accepted');
    expect(sendVerdict(rpcErr('nonce too low: next nonce 5, tx nonce 4'))).toBe('nonce-used');
    expect(sendVerdict(rpcErr('Nonce too low. Expected nonce to be 1 but got 0.'))).toBe('nonce-used');
    expect(sendVerdict(rpcErr('replacement transaction underpriced'))).toBe('underpriced');
    expect(sendVerdict(rpcErr('insufficient funds for gas * price + value'))).toBe('insufficient-funds');
    expect(sendVerdict(rpcErr("Sender doesn't have enough funds to send tx."))).toBe('insufficient-funds');
    expect(sendVerdict(rpcErr('exceeds block gas limit'))).toBe('rejected');
    expect(() => sendVerdict(new RpcUnavailableError('down'))).toThrow('down');
  });

  it('decodes reverts of estimation, with rollup custom errors and Error(string)', () => {
    expect(classifyCallError(rpcErr('execution reverted', '0x11e7be15'))).toMatchObject({ code: L1TxErrorCode.Reverted, message: 'execution reverted: OnlyTrustedSequencer()' });
    const errorString = '0x08c379a0' + '0'.repeat(62) + '20' + '0'.repeat(62) + '03' + Buffer.from('bad').toString('hex').padEnd(64, '0');
    expect(classifyCallError(rpcErr('execution reverted', errorString)).message).toBe('execution reverted: bad');
    expect(classifyCallError(rpcErr('insufficient funds for transfer')).code).toBe(L1TxErrorCode.InsufficientFunds);
    expect(classifyCallError(rpcErr('invalid argument 0: hex string has odd length')).code).toBe(L1TxErrorCode.InvalidRequest);
  });
});
