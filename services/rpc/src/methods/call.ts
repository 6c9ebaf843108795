import { CodedError, RpcErrorCode } from '@zkseq/errors';
import { TimeoutError, withTimeout } from '@zkseq/service';
import { keyNonce } from '@zkseq/smt';
import type { Hex, StoredBlock } from '@zkseq/statedb';
import { hexQ } from '../format';
import { requireBlock, type CallRequest, type CallResult, type RpcBackend } from '../backend';
import { address, args, blockRef, data, object, opt, quantity, required } from '../params';
import type { Handler } from '../jsonrpc';

const ZERO_ADDRESS: Hex = `0x${'0'.repeat(40)}`;

/** What geth says for the ROM's execution errors; the rest keep the ROM's name. */
const MESSAGES: Record<string, string> = {
  OUT_OF_GAS: 'out of gas',
  INVALID_OPCODE: 'invalid opcode',
  INVALID_JUMP: 'invalid jump destination',
  STACK_OVERFLOW: 'stack limit reached 1024',
  STACK_UNDERFLOW: 'stack underflow',
  INVALID_STATIC: 'write protection',
  CONTRACT_ADDRESS_COLLISION: 'contract address collision',
  MAX_CODE_SIZE_EXCEEDED: 'max code size exceeded',
  INVALID_BYTECODE_STARTS_EF: 'invalid code: must not begin with 0xef',
  INTRINSIC_INVALID_BALANCE: 'insufficient funds for gas * price + value',
  INTRINSIC_INVALID_GAS_LIMIT: 'intrinsic gas too low',
  INTRINSIC_INVALID_BATCH_GAS_LIMIT: 'exceeds block gas limit',
  OUT_OF_COUNTERS: 'out of counters: the call does not fit in a batch',
};

function romName(error: string): string {
  return error.replace(/^ROM_ERROR_/, '');
}

/** Error(string) revert reason, when the return data carries one. */
function revertReason(ret: Hex): string | null {
  if (!ret.startsWith('0x08c379a0') || ret.length < 10 + 128) return null;
  try {
    const body = Buffer.from(ret.slice(10), 'hex');
    const len = Number(BigInt(`0x${body.subarray(32, 64).toString('hex')}`));
    if (64 + len > body.length) return null;
    return body.subarray(64, 64 + len).toString('utf8');
  } catch {
    return null;
  }
}

function failure(res: CallResult): CodedError {
  const name = romName(res.error!);
  if (name === 'EXECUTION_REVERTED') {
    const reason = revertReason(res.returnData);
    return new CodedError(RpcErrorCode.ExecutionReverted, reason === null ? 'execution reverted' : `execution reverted: ${reason}`, res.returnData);
  }
  return new CodedError(RpcErrorCode.ExecutionFailed, MESSAGES[name] ?? name.toLowerCase().replace(/_/g, ' '), { romError: res.error });
}

type CallArgs = Omit<CallRequest, 'gas' | 'nonce' | 'block'> & { gas?: bigint };

function callObject(v: unknown, name: string): CallArgs {
  const o = object(v, name);
  const input = opt(data, o, 'input', name);
  const dataField = opt(data, o, 'data', name);
  if (input !== undefined && dataField !== undefined && input !== dataField) throw new CodedError(RpcErrorCode.InvalidParams, `invalid argument ${name}: both "data" and "input" are set and differ`);
  return {
    from: opt(address, o, 'from', name) ?? ZERO_ADDRESS,
    to: opt(address, o, 'to', name) ?? null,
    gas: opt(quantity, o, 'gas', name),
    // A legacy chain: a fee-cap-only request is priced at its fee cap.
    gasPrice: opt(quantity, o, 'gasPrice', name) ?? opt(quantity, o, 'maxFeePerGas', name) ?? 0n,
    value: opt(quantity, o, 'value', name) ?? 0n,
    data: input ?? dataField ?? '0x',
  };
}

/** eth_call and eth_estimateGas on the executor, with the gas cap and a timeout. */
export function callMethods(b: RpcBackend): Record<string, Handler> {
  const cap = b.settings.callGasCap;
  const exec = async (c: CallArgs, block: StoredBlock, gas: bigint): Promise<CallResult> => {
    if (!b.executor) throw new CodedError(RpcErrorCode.Unavailable, 'no executor configured');
    const nonce = await b.leaves.read(block.stateRoot, keyNonce(c.from));
    const req: CallRequest = { ...c, gas, nonce, block };
    try {
      return await withTimeout(b.executor.call(req), b.settings.callTimeoutMs, 'execution');
    } catch (err) {
      if (err instanceof TimeoutError) throw new CodedError(RpcErrorCode.ExecutionTimeout, `execution aborted (timeout = ${b.settings.callTimeoutMs}ms)`);
      throw err;
    }
  };
  const parse = async (p: unknown) => {
    const [raw, tag] = args(p, 2);
    const c = required(callObject, raw, 'call');
    const block = await requireBlock(b, blockRef(tag, 'block'));
    return { c, block, gas: c.gas === undefined || c.gas > cap ? cap : c.gas };
  };
  return {
    eth_call: async (p) => {
      const { c, block, gas } = await parse(p);
      const res = await exec(c, block, gas);
      if (res.error) throw failure(res);
      return res.returnData;
    },
    eth_estimateGas: async (p) => {
      const { c, block, gas: hi0 } = await parse(p);
      const first = await exec(c, block, hi0);
      if (first.error) throw failure(first);
      // Gas used is a lower bound; refunds and the 63/64 rule may need more: search up to what succeeded.
      let lo = first.gasUsed - 1n;
      let hi = hi0;
      const optimistic = (first.gasUsed * 64n) / 63n + 1n;
      if (optimistic < hi) {
        if ((await exec(c, block, optimistic)).error) lo = optimistic;
        else hi = optimistic;
      }
      while (hi - lo > 1n && (hi - lo) * 1000n > hi) {
        const mid = (lo + hi) / 2n;
        if ((await exec(c, block, mid)).error) lo = mid;
        else hi = mid;
      }
      return hexQ(hi);
    },
  };
}
