import { decodeRevert, RpcResponseError } from '@zkseq/contracts';
import { L1TxErrorCode } from '@zkseq/errors';

/** What a node's refusal of eth_sendRawTransaction means for us (messages of geth and hardhat). */
export type SendVerdict = 'accepted' | 'nonce-used' | 'underpriced' | 'insufficient-funds' | 'rejected';

export function sendVerdict(err: unknown): SendVerdict {
  if (!(err instanceof RpcResponseError)) throw err;
  const m = err.message.toLowerCase();
  if (m.includes('already known') || m.includes('known transaction')) return 'accepted';
  if (m.includes('nonce too low') || m.includes('nonce has already been used')) return 'nonce-used';
  if (m.includes('underpriced')) return 'underpriced';
  if (m.includes('insufficient funds') || m.includes('enough funds')) return 'insufficient-funds';
  return 'rejected';
}

export type Classified = { code: L1TxErrorCode; message: string; data?: unknown };

/** eth_estimateGas / eth_call failures that are a verdict on the request (not a transport problem). */
export function classifyCallError(err: RpcResponseError): Classified {
  const m = err.message.toLowerCase();
  if (m.includes('insufficient funds') || m.includes('enough funds')) return { code: L1TxErrorCode.InsufficientFunds, message: err.message };
  if (err.revertData !== undefined || m.includes('revert')) {
    const reason = decodeRevert(err.revertData);
    return { code: L1TxErrorCode.Reverted, message: `execution reverted: ${reason}`, data: { reason, revertData: err.revertData } };
  }
  return { code: L1TxErrorCode.InvalidRequest, message: err.message };
}

/** Metric label of an error code. */
export function reasonLabel(code: L1TxErrorCode): string {
  return code.replace(/^L1TX_/, '').toLowerCase();
}
