import { dirname, join } from 'node:path';
import { Common, Hardfork, Mainnet, createCustomCommon } from '@ethereumjs/common';
import { EVM, EVMError, createEVM, getActivePrecompiles, paramsEVM, type CustomPrecompile, type PrecompileInput } from '@ethereumjs/evm';
import { markSyncOpcodes, type CounterTracker, type CustomOpcode } from './counters';
import { Address, bigIntToBytes, createAddressFromString, setLengthLeft } from '@ethereumjs/util';
import { keccak256 } from '@zkseq/batch';
import { ADDRESS_SYSTEM, STATE_ROOT_STORAGE_POS } from './constants';
import type { ZkStateManager } from './state-manager';

const SYSTEM = createAddressFromString(ADDRESS_SYSTEM);

/** Berlin + EIP-3541/3607/3855 on the L2 chain id (zkevm-executor.md 10.1); no 1559. SHA3 and CREATE2 hash natively. */
const commons = new Map<number, Common>();
export function zkCommon(chainId: number): Common {
  let c = commons.get(chainId);
  if (!c) {
    c = createCustomCommon({ chainId, name: `zkevm-${chainId}` }, Mainnet, { hardfork: Hardfork.Berlin, eips: [3541, 3607, 3855], customCrypto: { keccak256 } });
    // The EVM adds its gas parameters on construction; the opcode table built before that needs them too.
    c.updateParams(paramsEVM);
    commons.set(chainId, c);
  }
  return c;
}

/** Slot of the system contract holding the root R1 of L2 block n: keccak256(uint256(n) ‖ uint256(1)). */
export function stateRootSlot(n: bigint): bigint {
  const buf = new Uint8Array(64);
  buf.set(setLengthLeft(bigIntToBytes(n), 32), 0);
  buf.set(setLengthLeft(bigIntToBytes(STATE_ROOT_STORAGE_POS), 32), 32);
  const h = keccak256(buf);
  return BigInt(`0x${Buffer.from(h).toString('hex')}`);
}

const revertingPrecompile = () => ({
  executionGasUsed: 0n,
  returnValue: new Uint8Array(0),
  exceptionError: new EVMError(EVMError.errorMessages.REVERT),
});

/**
 * Fork-6 precompiles: ecrecover (0x01) and identity (0x04) as in Berlin; the other Berlin ones are
 * "unsupported": the callee behaves like an immediate REVERT that consumed no gas. They stay
 * present (deleting one would turn it into an ordinary, cold, empty account).
 */
function precompiles(): CustomPrecompile[] {
  return [2, 3, 5, 6, 7, 8, 9].map((n) => ({ address: `0x${n.toString(16).padStart(40, '0')}` as `0x${string}`, function: revertingPrecompile }));
}

type RunState = Parameters<Extract<CustomOpcode, { logicFunction: unknown }>['logicFunction']>[0];

function sm(runState: RunState): ZkStateManager {
  return runState.stateManager as unknown as ZkStateManager;
}

function addressFromStack(v: bigint): Address {
  return new Address(setLengthLeft(bigIntToBytes(v & ((1n << 160n) - 1n)), 20));
}

function opcodes(): CustomOpcode[] {
  return [
    {
      // BLOCKHASH: the system-contract slot for block n (a state root), no 256-block window.
      opcode: 0x40,
      opcodeName: 'BLOCKHASH',
      baseFee: 20,
      logicFunction: async (runState) => {
        const n = runState.stack.pop();
        const v = await sm(runState).getStorage(SYSTEM, setLengthLeft(bigIntToBytes(stateRootSlot(n)), 32));
        runState.stack.push(v.length === 0 ? 0n : BigInt(`0x${Buffer.from(v).toString('hex')}`));
      },
    },
    {
      // EXTCODEHASH: the Poseidon code-hash leaf, 0 without code; Berlin warm/cold gas.
      opcode: 0x3f,
      opcodeName: 'EXTCODEHASH',
      baseFee: 0,
      gasFunction: async (runState, gas, common) => {
        const address = addressFromStack(runState.stack.peek()[0]);
        return gas + accessCharge(runState, address, common);
      },
      logicFunction: async (runState) => {
        const address = addressFromStack(runState.stack.pop());
        runState.stack.push(await sm(runState).getCodeHashLeaf(address));
      },
    },
    {
      // SELFDESTRUCT is SENDALL: move the whole balance, delete nothing, stop the frame.
      opcode: 0xff,
      opcodeName: 'SENDALL',
      baseFee: 5000,
      gasFunction: async (runState, gas) => {
        if (runState.interpreter.isStatic()) throw new EVMError(EVMError.errorMessages.STATIC_STATE_CHANGE);
        const self = runState.interpreter.getAddress();
        const beneficiary = addressFromStack(runState.stack.peek()[0]);
        const selfAcc = await runState.stateManager.getAccount(self);
        if (selfAcc && selfAcc.balance > 0n && !beneficiary.equals(self)) {
          if (!runState.interpreter.journal.isWarmedAddress(beneficiary.bytes)) {
            gas += 2600n;
            runState.interpreter.journal.addWarmedAddress(beneficiary.bytes);
          }
          const b = await runState.stateManager.getAccount(beneficiary);
          if (!b || b.isEmpty()) gas += 25000n;
        }
        return gas;
      },
      logicFunction: async (runState) => {
        const beneficiary = addressFromStack(runState.stack.pop());
        const self = runState.interpreter.getAddress();
        const state = runState.stateManager;
        const selfAcc = await state.getAccount(self);
        if (selfAcc && selfAcc.balance > 0n && !beneficiary.equals(self)) {
          const b = await state.getAccount(beneficiary);
          await state.modifyAccountFields(beneficiary, { balance: (b?.balance ?? 0n) + selfAcc.balance });
          await state.modifyAccountFields(self, { balance: 0n });
        }
        throw new EVMError(EVMError.errorMessages.STOP);
      },
    },
  ];
}

/** EIP-2929 account access charge (the part of Berlin's EXTCODEHASH gas that is dynamic). */
function accessCharge(runState: RunState, address: Address, common: Common): bigint {
  const journal = runState.interpreter.journal;
  if (journal.isWarmedAddress(address.bytes)) return common.param('warmstoragereadGas');
  journal.addWarmedAddress(address.bytes);
  return common.param('coldaccountaccessGas');
}

let jumpPatchInstalled = false;

/**
 * The ROM accepts any 0x5B byte below the code length as a jump destination, even inside PUSH
 * data (zkevm-executor.md 10.5). ethereumjs skips push data in its analysis and only fills its
 * opcode and push caches at instruction starts, so the analysis is replaced: every 0x5B is valid,
 * and when one sits inside push data the caches are filled for every byte position.
 */
function installJumpdestPatch(): void {
  if (jumpPatchInstalled) return;
  // Interpreter is not exported; load the same module instance the EVM uses.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Interpreter } = require(join(dirname(require.resolve('@ethereumjs/evm')), 'interpreter.js'));
  const proto = Interpreter.prototype as {
    _getValidJumpDestinations(code: Uint8Array): unknown;
    lookupOpInfo(op: number): unknown;
  };
  // The analysis depends on the code and on the EVM's opcode table only, and code arrays come
  // from a content-addressed cache, so results are kept per (EVM, code array).
  const analyses = new WeakMap<object, WeakMap<Uint8Array, unknown>>();
  proto._getValidJumpDestinations = function (this: typeof proto & { _evm: object }, code: Uint8Array) {
    let perEvm = analyses.get(this._evm);
    if (perEvm === undefined) analyses.set(this._evm, (perEvm = new WeakMap()));
    let a = perEvm.get(code);
    if (a === undefined) {
      a = analyse(this, code);
      perEvm.set(code, a);
    }
    return a;
  };
  jumpPatchInstalled = true;
}

function analyse(interp: { lookupOpInfo(op: number): unknown }, code: Uint8Array) {
  const jumps = new Uint8Array(code.length);
  const pushes: Record<number, bigint> = {};
  const opcodesCached = new Array(code.length);
  let hiddenDest = false;
  for (let i = 0; i < code.length; i++) {
    const op = code[i];
    opcodesCached[i] = interp.lookupOpInfo(op);
    if (op === 0x5b) jumps[i] = 1;
    if (op >= 0x60 && op <= 0x7f) {
      const n = op - 0x5f;
      pushes[i + 1] = readPush(code, i + 1, n);
      for (let j = i + 1; j <= i + n && j < code.length; j++) {
        opcodesCached[j] = interp.lookupOpInfo(code[j]);
        if (code[j] === 0x5b) {
          jumps[j] = 1;
          hiddenDest = true;
        }
      }
      i += n;
    }
  }
  if (hiddenDest) {
    // Execution may continue from inside push data: every position needs its push value.
    for (let i = 0; i < code.length; i++) {
      const op = code[i];
      if (op >= 0x60 && op <= 0x7f && pushes[i + 1] === undefined) pushes[i + 1] = readPush(code, i + 1, op - 0x5f);
    }
  }
  return { jumps, pushes, opcodesCached };
}

function readPush(code: Uint8Array, start: number, n: number): bigint {
  let v = 0n;
  for (let k = 0; k < n; k++) v = (v << 8n) | BigInt(start + k < code.length ? code[start + k] : 0);
  return v;
}

export type ExtraOpcodeHook = (ops: CustomOpcode[], common: Common) => CustomOpcode[];

/**
 * An EVM configured for fork 6 on `chainId`, running over `stateManager`. `extend` may wrap the
 * opcode table and `tracker` (when given) is told of every ecrecover/identity precompile call.
 */
export async function createZkEvm(chainId: number, stateManager: ZkStateManager, extend?: ExtraOpcodeHook, tracker?: () => CounterTracker | undefined): Promise<EVM> {
  installJumpdestPatch();
  const common = zkCommon(chainId);
  const base = opcodes();
  const pre = precompiles();
  if (tracker) {
    const active = getActivePrecompiles(common);
    for (const n of [1, 4]) {
      const address = `0x${n.toString(16).padStart(40, '0')}`;
      const original = active.get(address.slice(2))!;
      pre.push({
        address: address as `0x${string}`,
        function: (input: PrecompileInput) => {
          tracker()?.precompile(n, input);
          return original(input);
        },
      });
    }
  }
  const evm = await createEVM({
    common,
    stateManager,
    customOpcodes: extend ? extend(base, common) : base,
    customPrecompiles: pre,
  });
  if (extend) markSyncOpcodes(evm, common, base);
  return evm;
}
