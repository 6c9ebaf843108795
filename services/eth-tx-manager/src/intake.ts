import { isAddress } from 'ethers';
import { L1TxErrorCode } from '@zkseq/errors';
import type { L1TxRequest } from '@zkseq/messaging';
import type { NewRequest, OutboxEntry } from './store';

const OWNER = /^[A-Za-z0-9_-]{1,64}$/;
const HEX_DATA = /^0x([0-9a-fA-F]{2})*$/;
const DECIMAL = /^(0|[1-9][0-9]{0,77})$/;

export type Validated = { ok: true; req: NewRequest } | { ok: false; owner?: string; id?: string; message: string };

/**
 * Checks an `l1tx.request` body. The owner must be a single NATS subject token (results go to
 * `l1tx.result.<owner>`); when owner and id are usable the rejection is reported there.
 */
export function validateRequest(msg: Partial<L1TxRequest> | null): Validated {
  const owner = typeof msg?.owner === 'string' && OWNER.test(msg.owner) ? msg.owner : undefined;
  const id = typeof msg?.id === 'string' && msg.id.length > 0 && msg.id.length <= 200 ? msg.id : undefined;
  const fail = (message: string): Validated => ({ ok: false, owner, id, message });
  if (!owner) return fail('owner must be 1-64 characters of [A-Za-z0-9_-]');
  if (!id) return fail('id must be a non-empty string of at most 200 characters');
  if (typeof msg!.to !== 'string' || !isAddress(msg!.to)) return fail('to must be a 0x-prefixed 20-byte address');
  if (typeof msg!.data !== 'string' || !HEX_DATA.test(msg!.data)) return fail('data must be 0x-prefixed hex bytes');
  if (msg!.value !== undefined && (typeof msg!.value !== 'string' || !DECIMAL.test(msg!.value))) return fail('value must be a decimal string of wei');
  if (msg!.gasLimit !== undefined && (typeof msg!.gasLimit !== 'string' || !DECIMAL.test(msg!.gasLimit) || msg!.gasLimit === '0')) {
    return fail('gasLimit must be a positive decimal string');
  }
  return { ok: true, req: { owner, id, to: msg!.to, data: msg!.data, value: msg!.value ?? '0', gasLimit: msg!.gasLimit } };
}

export function invalidResult(owner: string, id: string, message: string): OutboxEntry {
  return {
    msgId: `${owner}:${id}:failed:invalid`,
    result: { owner, id, status: 'failed', error: { code: L1TxErrorCode.InvalidRequest, message } },
  };
}
