import type { Common } from '@ethereumjs/common';
import { getOpcodesForHF, type EVMOpts, type PrecompileInput } from '@ethereumjs/evm';

export type CustomOpcode = NonNullable<EVMOpts['customOpcodes']>[number];
import { Address, bigIntToBytes, createAddressFromString, setLengthLeft } from '@ethereumjs/util';
import { byteLength, SECP256K1_N, type BatchTx } from '@zkseq/batch';
import { RomError } from './constants';
import model from './zk-counters.json';

/** The ZK counters of zkevm-executor.md 7.1 (fork 5/6 has no sha256 counter). */
export type CounterSet = { steps: number; keccakF: number; poseidonG: number; paddingPG: number; memAlign: number; arith: number; binary: number };
export const COUNTER_NAMES = ['steps', 'keccakF', 'poseidonG', 'paddingPG', 'memAlign', 'arith', 'binary'] as const;

/** What the fork-6 ROM enforces (after its own safety margins). */
export const ROM_LIMITS: CounterSet = { ...model.limits.fork5_6.rom };
/** The zkevm-node sequencer defaults (about 95 % of the ROM limits). */
export const NODE_LIMITS: CounterSet = {
  steps: model.limits.fork5_6.nodeSequencerDefaults.steps,
  keccakF: model.limits.fork5_6.nodeSequencerDefaults.keccakF,
  poseidonG: model.limits.fork5_6.nodeSequencerDefaults.poseidonG,
  paddingPG: model.limits.fork5_6.nodeSequencerDefaults.paddingPG,
  memAlign: model.limits.fork5_6.nodeSequencerDefaults.memAlign,
  arith: model.limits.fork5_6.nodeSequencerDefaults.arith,
  binary: model.limits.fork5_6.nodeSequencerDefaults.binary,
};

const OOC: Record<keyof CounterSet, RomError> = {
  steps: RomError.OutOfCountersStep,
  keccakF: RomError.OutOfCountersKeccak,
  poseidonG: RomError.OutOfCountersPoseidon,
  paddingPG: RomError.OutOfCountersPadding,
  memAlign: RomError.OutOfCountersMem,
  arith: RomError.OutOfCountersArith,
  binary: RomError.OutOfCountersBinary,
};

export function zeroCounters(): CounterSet {
  return { steps: 0, keccakF: 0, poseidonG: 0, paddingPG: 0, memAlign: 0, arith: 0, binary: 0 };
}

export function addCounters(into: CounterSet, c: Readonly<CounterSet>): void {
  into.steps += c.steps;
  into.keccakF += c.keccakF;
  into.poseidonG += c.poseidonG;
  into.paddingPG += c.paddingPG;
  into.memAlign += c.memAlign;
  into.arith += c.arith;
  into.binary += c.binary;
}

/** The out-of-counters error for the first counter of `used` above `limits`, or null. */
export function exceeded(used: Readonly<CounterSet>, limits: Readonly<CounterSet>): RomError | null {
  for (const n of COUNTER_NAMES) if (used[n] > limits[n]) return OOC[n];
  return null;
}

// ---- the virtual counter model (zk-counters.json 'vcm'), compiled once -------------------------

type Formula = (vars: Record<string, unknown>) => CounterSet;
type Spec = Record<string, number | string>;

/**
 * Each counter of an entry is a number or a JavaScript expression over the entry's inputs, MCP,
 * MCPL and `ec`; compiled to one function per entry so evaluation is a plain call.
 */
function compile(spec: Spec, inputs: string[]): Formula {
  const names = [...new Set([...inputs, 'MCP', 'MCPL', 'ec'])];
  const body = COUNTER_NAMES.map((n) => `${n}: (${spec[n] ?? 0})`).join(', ');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const fn = new Function(...names, `const floor = Math.floor, ceil = Math.ceil; return { ${body} };`) as (...a: unknown[]) => CounterSet;
  return (vars) => fn(...names.map((n) => vars[n]));
}

type OpcodeModel = { counters: Spec; countersInCreateContext?: Spec; countersInDeployTxContext?: Spec; inputs?: Record<string, string>; plus?: string };
const vcm = model.vcm as unknown as {
  opcodes: Record<string, OpcodeModel>;
  operations: Record<string, { counters: Spec; inputs?: Record<string, string> }>;
  createContextExtraPerOpcode: Spec;
  ecrecoverPaths: Record<'fail' | 'noRoot' | 'root', Spec>;
};

type CompiledOp = { normal: Formula; create: Formula; deploy: Formula; hasInputs: boolean; plus?: string };

/**
 * The two corrections zkevm-executor.md 7.4 recommends for a tighter estimate (later commonjs,
 * matching the prover): SHA3 costs ceil((n+1)/136) keccak-f, and LOGn loops floor((n+1)/32)
 * times instead of once per data byte.
 */
const LOG_FIX: Spec = {
  steps: '535+(n>0?150:12)+260*floor((n+1)/32)',
  poseidonG: 'ceil(n/56)+27',
  paddingPG: 'ceil(n/56)+4',
  memAlign: '1+floor((n+1)/32)',
  arith: '8+(n>0?2:0)+4*floor((n+1)/32)',
  binary: '23+(n>0?9:1)+12*floor((n+1)/32)',
};
function corrected(op: number, m: OpcodeModel): OpcodeModel {
  if (op === 0x20) return { ...m, counters: { ...m.counters, keccakF: 'ceil((n+1)/136)' } };
  if (op >= 0xa0 && op <= 0xa4) return { ...m, counters: LOG_FIX };
  return m;
}
const ops = new Map<number, CompiledOp>();
const EXTRA = compile(vcm.createContextExtraPerOpcode, []);
for (const [hex, raw] of Object.entries(vcm.opcodes)) {
  const m = corrected(Number(hex), raw);
  const inputs = Object.keys(m.inputs ?? {});
  const normal = compile(m.counters, inputs);
  const withExtra = (f: Formula): Formula => (v) => {
    const c = f(v);
    addCounters(c, EXTRA({}));
    return c;
  };
  ops.set(Number(hex), {
    normal,
    create: m.countersInCreateContext ? compile(m.countersInCreateContext, inputs) : withExtra(normal),
    deploy: m.countersInDeployTxContext ? compile(m.countersInDeployTxContext, inputs) : withExtra(normal),
    hasInputs: inputs.length > 0,
    plus: m.plus?.split(' ')[0],
  });
}
const operations = new Map<string, Formula>(Object.entries(vcm.operations).filter(([, o]) => o.counters).map(([k, o]) => [k, compile(o.counters, Object.keys(o.inputs ?? {}))]));

function ecPath(name: 'fail' | 'noRoot' | 'root') {
  const p = vcm.ecrecoverPaths[name] as Record<string, number>;
  return { steps: p.steps ?? 0, arith: p.arith ?? 0, binary: p.binary ?? 0, keccaks: p.keccakF ?? 0 };
}

const fixedByMcp = new Map<number, Map<number, CounterSet>>();

/** Counters of one request: the running total of the current tx and per-tx flags. */
export class CounterTracker {
  readonly mcp: number;
  tx = zeroCounters();
  hasGasprice = false;
  hasBalance = false;
  /** True while executing a contract-creation transaction's init code (deploy context). */
  deployTx = false;

  /** Constant costs of input-free opcodes, by opcode * 4 + context. */
  private readonly fixed: Map<number, CounterSet>;

  constructor(mcp = 32) {
    this.mcp = mcp;
    let f = fixedByMcp.get(mcp);
    if (f === undefined) fixedByMcp.set(mcp, (f = new Map()));
    this.fixed = f;
  }

  beginTx(deploy: boolean): void {
    this.tx = zeroCounters();
    this.hasGasprice = false;
    this.hasBalance = false;
    this.deployTx = deploy;
  }

  op(name: string, vars: Record<string, unknown> = {}): CounterSet {
    const c = operations.get(name)!({ ...vars, MCP: this.mcp, MCPL: 23 });
    addCounters(this.tx, c);
    return c;
  }

  batch(length: number): CounterSet {
    return operations.get('batch')!({ L: length, MCP: this.mcp, MCPL: 23 });
  }

  /** rlpParsing of one tx (counted at parse time, before any execution). */
  rlpParsing(tx: BatchTx): CounterSet {
    const valid = tx.v === 27 || tx.v === 28 ? (tx.r > 0n && tx.r < SECP256K1_N && tx.s > 0n && tx.s <= SECP256K1_N / 2n) : false;
    return operations.get('rlpParsing')!({
      R: tx.encoded.length,
      d: tx.data.length,
      gp: byteLength(tx.gasPrice),
      gl: byteLength(tx.gasLimit),
      v: byteLength(tx.value),
      c: tx.chainId === null ? 0 : byteLength(tx.chainId),
      nn: byteLength(tx.nonce),
      ec: ecPath(valid ? 'root' : 'fail'),
      MCP: this.mcp,
      MCPL: 23,
    });
  }

  /**
   * Per-opcode cost with the inputs read from the stack before the handler runs. Opcodes without
   * inputs cost a constant per context, computed once; only those with inputs or a `plus` charge
   * need async work, so the others return undefined (no promise to await).
   */
  opcode(op: number, runState: OpRunState): Promise<void> | undefined {
    const m = ops.get(op);
    if (m === undefined) return undefined;
    const env = runState.env;
    const ctx = env.depth === 0 && this.deployTx ? 2 : env.isCreate ? 1 : 0;
    if (op === 0x3a) this.hasGasprice = true;
    else if (op === 0x31 || op === 0x47) this.hasBalance = true;
    if (!m.hasInputs) {
      const k = op * 4 + ctx;
      let c = this.fixed.get(k);
      if (c === undefined) {
        c = (ctx === 2 ? m.deploy : ctx === 1 ? m.create : m.normal)({ MCP: this.mcp, MCPL: 23 });
        this.fixed.set(k, c);
      }
      addCounters(this.tx, c);
      return m.plus === undefined ? undefined : this.plus(m.plus, runState);
    }
    return this.dynamic(op, m, ctx, runState);
  }

  private dynamic(op: number, m: CompiledOp, ctx: number, runState: OpRunState): Promise<void> | undefined {
    const vars: Record<string, unknown> = { MCP: this.mcp, MCPL: 23 };
    const f = ctx === 2 ? m.deploy : ctx === 1 ? m.create : m.normal;
    if (!STATE_INPUT_OPS.has(op)) {
      stackInputs(op, runState, vars);
      addCounters(this.tx, f(vars));
      return m.plus === undefined ? undefined : this.plus(m.plus, runState);
    }
    return (async () => {
      await stateInputs(op, runState, vars);
      addCounters(this.tx, f(vars));
      if (m.plus !== undefined) await this.plus(m.plus, runState);
    })();
  }

  private async plus(name: string, runState: OpRunState): Promise<void> {
    const s = runState.stack;
    if (name === 'processContractCall.call') {
      this.op(name, { bl: await runState.stateManager.getCodeSize(toAddress(s.peek(2)[1])) });
    } else {
      this.op(name, { bl: Number(s.peek(3)[2]) });
    }
  }

  /** ecrecover (0x01) and identity (0x04) precompile costs. */
  precompile(address: number, input: PrecompileInput): void {
    if (address === 1) {
      const d = input.data;
      const word = (i: number) => BigInt(`0x${Buffer.from(setLengthLeft(d.subarray(i * 32, i * 32 + 32), 32)).toString('hex') || '0'}`);
      const v = word(1);
      const r = word(2);
      const sv = word(3);
      const ok = (v === 27n || v === 28n) && r > 0n && r < SECP256K1_N && sv > 0n && sv < SECP256K1_N;
      this.op('precompile.ecrecover', { ec: ecPath(ok ? 'root' : 'fail') });
    } else if (address === 4) {
      this.op('precompile.identity', { cl: input.data.length, rl: 0 });
    }
  }
}

type OpRunState = Parameters<Extract<CustomOpcode, { logicFunction: unknown }>['logicFunction']>[0];

/** Opcodes whose counter inputs need state (code size, creator nonce), read asynchronously. */
const STATE_INPUT_OPS = new Set([0x3c, 0xf0, 0xf5]);
/** Opcodes whose counting never waits: their wrapper can stay synchronous. */
export function countsSynchronously(op: number): boolean {
  const m = ops.get(op);
  return m === undefined || (!STATE_INPUT_OPS.has(op) && m.plus === undefined);
}

const num = (x: bigint) => (x > 0xffffffffn ? 0xffffffff : Number(x));

/** Counter inputs read from the stack before the handler pops them. */
function stackInputs(op: number, runState: OpRunState, v: Record<string, unknown>): void {
  const s = runState.stack;
  if (op === 0x0a) v.e = Math.max(1, byteLength(s.peek(2)[1]));
  else if (op === 0x20 || op === 0xf3 || op === 0xfd || (op >= 0xa0 && op <= 0xa4)) v.n = num(s.peek(2)[1]);
  else if (op === 0x37 || op === 0x39 || op === 0x3e) v.n = num(s.peek(3)[2]);
  else if (op === 0xf1 || op === 0xf2) {
    const a = s.peek(7);
    v.inLength = num(a[4]);
    v.outLength = num(a[6]);
  } else if (op === 0xf4 || op === 0xfa) {
    const a = s.peek(6);
    v.inLength = num(a[3]);
    v.outLength = num(a[5]);
  }
}

async function stateInputs(op: number, runState: OpRunState, v: Record<string, unknown>): Promise<void> {
  const s = runState.stack;
  if (op === 0x3c) {
    const [addr, , , size] = s.peek(4);
    v.n = num(size);
    v.codeLen = await runState.stateManager.getCodeSize(toAddress(addr));
  } else {
    v.inLength = num(s.peek(3)[2]);
    const acc = await runState.stateManager.getAccount(runState.interpreter.getAddress());
    v.nonceBytes = byteLength((acc?.nonce ?? 0n) + 1n);
  }
}

function toAddress(v: bigint): Address {
  return new Address(setLengthLeft(bigIntToBytes(v & ((1n << 160n) - 1n)), 20));
}

/**
 * Wraps every opcode so that its counters are added when it actually executes (after its gas
 * was charged, as the VCM counts). Replaces entries of `base` (the fork-6 overrides) too.
 */
export function countingOpcodes(base: CustomOpcode[], common: Common, tracker: () => CounterTracker | undefined): CustomOpcode[] {
  const table = getOpcodesForHF(common, base);
  const out: CustomOpcode[] = [];
  for (const [code, info] of table.opcodes) {
    if (info.isInvalid) continue;
    const handler = table.handlers.get(code);
    if (!handler) continue;
    const gasFunction = table.dynamicGasHandlers.get(code);
    out.push({
      opcode: code,
      opcodeName: info.name,
      baseFee: info.fee,
      ...(info.dynamicGas && gasFunction ? { gasFunction } : {}),
      // Returns a promise only when the counting or the original handler needs one.
      logicFunction: (runState, c) => {
        const pending = tracker()?.opcode(code, runState);
        if (pending !== undefined) return pending.then(() => handler(runState, c));
        return handler(runState, c);
      },
    });
  }
  return out;
}

/**
 * ethereumjs awaits every custom opcode; the counting wrappers of opcodes that are synchronous in
 * the base table and count synchronously are marked synchronous again after the EVM is built
 * (an await per opcode costs more than the opcode).
 */
export function markSyncOpcodes(evm: object, common: Common, base: CustomOpcode[]): void {
  const table = getOpcodesForHF(common, base);
  type Entry = { opcodeInfo: { code: number; isAsync: boolean } };
  const map = (evm as { _opcodeMap: (Entry | undefined)[] })._opcodeMap;
  for (let i = 0; i < map.length; i++) {
    const entry = map[i];
    if (!entry) continue;
    const code = entry.opcodeInfo.code;
    const original = table.opcodes.get(code);
    if (!original || original.isAsync || !countsSynchronously(code)) continue;
    // Opcode objects are frozen: swap in a copy.
    const info = Object.assign(Object.create(Object.getPrototypeOf(entry.opcodeInfo)), entry.opcodeInfo, { isAsync: false });
    map[i] = { ...entry, opcodeInfo: Object.freeze(info) };
  }
}
