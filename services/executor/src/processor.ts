import type { EVM, ExecResult } from '@ethereumjs/evm';
import { Address, bigIntToBytes, bytesToHex, createAddressFromString, setLengthLeft } from '@ethereumjs/util';
import {
  accInputHash,
  batchHashData,
  decodeBatchL2Data,
  effectiveGasPrice,
  ethRawTx,
  intrinsicGas,
  keccak256,
  recoverSender,
  toHex,
  TX_GAS_LIMIT,
  type BatchTx,
} from '@zkseq/batch';
import { CodedError, ExecutorErrorCode } from '@zkseq/errors';
import type { H4 } from '@zkseq/poseidon';
import { h4ToBigInt, type ApplyStep, type HashDbApi, type StepResult } from '@zkseq/smt';
import {
  ADDRESS_GER_MANAGER,
  ADDRESS_SYSTEM,
  BLOCK_GAS_LIMIT,
  FORK_ID,
  GLOBAL_EXIT_ROOT_STORAGE_POS,
  LAST_TX_STORAGE_POS,
  LOCAL_EXIT_ROOT_STORAGE_POS,
  MAX_BATCH_BYTES,
  RomError,
  isIntrinsicError,
} from './constants';
import { addCounters, countingOpcodes, CounterTracker, exceeded, ROM_LIMITS, zeroCounters, type CounterSet } from './counters';
import { createZkEvm, stateRootSlot } from './evm-factory';
import { keysOf, storageRef, type LeafRef } from './keys';
import { LeafOverlay, type CallStats } from './overlay';
import { MappingSlotLearner } from './slot-learner';
import { ZkStateManager } from './state-manager';

/** Process-wide: what contracts read is a property of their code, not of a request. */
const slotLearner = new MappingSlotLearner();
import type { BatchResult, ProcessBatchInput, TxResult } from './types';

const PREVRANDAO = new Uint8Array(32);
/** Transactions per read of the leaves a batch will surely touch (execution waits for the first). */
const READ_SLICE_TXS = 32;

type Engine = { evm: EVM; sm: ZkStateManager; counting: boolean; tracker: CounterTracker | undefined };

export type ExecutorOptions = {
  /** Max batchL2Data bytes accepted (BATCH_DATA_TOO_BIG above). */
  maxBatchBytes?: number;
  /** Counter limits checked in ROM mode. */
  limits?: CounterSet;
  /** MCP parameter of the counter model (virtual Poseidon cost of one tree access). */
  mcp?: number;
  /** Persisting requests send their steps to the hashdb in chunks of this many txs while executing on. */
  chunkSteps?: number;
};

/**
 * Executes fork-6 batches over a HashDbApi. EVMs are pooled per (chain id, counting) because an
 * EVM instance holds per-run state; a request takes one for its whole duration.
 */
export class BatchExecutor {
  private readonly pool = new Map<string, Engine[]>();
  private readonly maxBatchBytes: number;
  private readonly limits: CounterSet;
  private readonly mcp: number;
  private readonly chunkSteps: number;

  constructor(
    private readonly db: HashDbApi,
    opts: ExecutorOptions = {},
  ) {
    this.maxBatchBytes = opts.maxBatchBytes ?? MAX_BATCH_BYTES;
    this.limits = opts.limits ?? ROM_LIMITS;
    this.mcp = opts.mcp ?? 32;
    this.chunkSteps = opts.chunkSteps ?? 64;
  }

  private async engine(chainId: number, counting: boolean): Promise<Engine> {
    const free = this.pool.get(`${chainId}:${counting}`);
    const e = free?.pop();
    if (e) return e;
    const sm = new ZkStateManager();
    const holder: Engine = { evm: undefined as unknown as EVM, sm, counting, tracker: undefined };
    holder.evm = await createZkEvm(chainId, sm, counting ? (base, common) => countingOpcodes(base, common, () => holder.tracker) : undefined, counting ? () => holder.tracker : undefined);
    return holder;
  }

  private release(chainId: number, e: Engine): void {
    const k = `${chainId}:${e.counting}`;
    const list = this.pool.get(k) ?? [];
    list.push(e);
    this.pool.set(k, list);
  }

  async processBatch(input: ProcessBatchInput): Promise<BatchResult> {
    if (input.forkId !== FORK_ID) throw new CodedError(ExecutorErrorCode.UnsupportedForkId, `fork id ${input.forkId} is not supported (this executor runs fork ${FORK_ID})`);
    if (input.batchL2Data.length > this.maxBatchBytes) throw new CodedError(ExecutorErrorCode.BatchDataTooBig, `batch data of ${input.batchL2Data.length} bytes exceeds ${this.maxBatchBytes}`);
    if (input.chainId <= 0n || input.chainId >= 1n << 32n) throw new CodedError(ExecutorErrorCode.InvalidRequest, 'chain id must be in [1, 2^32)');
    const chainId = Number(input.chainId);
    // no_counters without candidate limits: counters are neither computed nor enforced (eth_call speed).
    const e = await this.engine(chainId, !input.noCounters || input.remaining !== undefined);
    try {
      return await new BatchRun(this.db, e, input, this.limits, this.mcp, this.chunkSteps).run();
    } finally {
      e.tracker = undefined;
      this.release(chainId, e);
    }
  }
}

/** One ProcessBatch request. */
class BatchRun {
  private readonly stats: CallStats = { hashdbCalls: 0 };
  private readonly ov: LeafOverlay;
  private readonly persist: boolean;
  private readonly steps: ApplyStep[] = [];
  private readonly stepRoots: StepResult[] = [];
  private stepBaseRoot: H4;
  /** Per step: the leaf that will hold its R1. */
  private readonly stepSlotIds: (string | undefined)[] = [];
  private readonly tracker: CounterTracker;
  private readonly coinbase: Address;
  private txCount = 0n;
  private inflight: Promise<void> | undefined;
  private inflightError: unknown;

  constructor(
    private readonly db: HashDbApi,
    private readonly e: Engine,
    private readonly input: ProcessBatchInput,
    private readonly limits: CounterSet,
    mcp: number,
    private readonly chunk: number,
  ) {
    this.persist = input.updateMerkleTree && input.from === undefined;
    // Reads fail as executor errors (unknown root, hashdb unavailable), wherever they are awaited.
    this.ov = new LeafOverlay({ getLeaves: (root, keys) => db.getLeaves(root, keys).catch((err: unknown) => Promise.reject(mapDbError(err))) }, input.oldStateRoot, this.stats);
    this.ov.onUnresolved = () => this.flush();
    this.stepBaseRoot = input.oldStateRoot;
    this.tracker = new CounterTracker(mcp);
    this.coinbase = createAddressFromString(input.coinbase);
    e.sm.bind(this.ov, db, this.stats);
    e.tracker = this.tracker;
  }

  /** Applies every step not applied yet (after any chunk already on its way). */
  private async flush(): Promise<void> {
    await this.settle();
    await this.applyPending();
  }

  /** Waits for the chunk in flight, if any, and surfaces its failure. */
  private async settle(): Promise<void> {
    if (this.inflight) await this.inflight;
    if (this.inflightError !== undefined) throw this.inflightError;
  }

  /**
   * Sends the pending steps while the next transactions execute, so that with a hashdb process
   * executor and hashdb work overlap (two cores). Only when persisting: without persistence the
   * intermediate roots are not readable, so everything is applied at once at the end.
   */
  private maybeSendChunk(): void {
    if (!this.persist || this.inflight || this.steps.length - this.stepRoots.length < this.chunk) return;
    this.inflight = this.applyPending().then(
      () => {
        this.inflight = undefined;
      },
      (err: unknown) => {
        this.inflight = undefined;
        this.inflightError = err;
      },
    );
  }

  /**
   * Recovers the senders of txs[senders.length, upTo) into `senders` and lists the leaves those
   * transactions will surely touch, to be read ahead of their execution.
   */
  private recoverSlice(txs: readonly BatchTx[], senders: (string | undefined)[], upTo: number): LeafRef[] {
    const from = this.input.from?.toLowerCase();
    const refs: LeafRef[] = [];
    for (let i = senders.length; i < Math.min(upTo, txs.length); i++) {
      const tx = txs[i];
      const s = from ?? addrHex(recoverSender(tx));
      senders.push(s);
      if (s) {
        const k = keysOf(s);
        refs.push(k.balance, k.nonce, k.length);
      }
      if (tx.to) {
        const to = addrHex(tx.to)!;
        const t = keysOf(to);
        refs.push(t.balance, t.nonce, t.length, t.code);
        if (s && tx.data.length > 0) for (const slot of slotLearner.predict(to, s, tx.data)) refs.push(storageRef(to, slot));
      }
    }
    return refs;
  }

  /** Without persistence roots are not stored, so all steps are re-applied from the start. */
  private async applyPending(): Promise<void> {
    const from = this.stepRoots.length;
    const to = this.steps.length;
    if (from === to) return;
    this.stats.hashdbCalls++;
    if (this.persist) {
      const res = await this.db.applySteps(this.stepBaseRoot, this.steps.slice(from, to), { persist: true });
      this.stepRoots.push(...res);
      this.stepBaseRoot = res[res.length - 1].rootAfterSlot ?? res[res.length - 1].root;
    } else {
      const res = await this.db.applySteps(this.input.oldStateRoot, this.steps.slice(0, to), { persist: false });
      this.stepRoots.length = 0;
      this.stepRoots.push(...res);
    }
    for (let i = this.persist ? from : 0; i < to; i++) {
      const id = this.stepSlotIds[i];
      if (id !== undefined) this.ov.resolve(id, h4ToBigInt(this.stepRoots[i].root));
    }
  }

  private rootAfterStep(i: number): H4 {
    if (i < 0) return this.input.oldStateRoot;
    const r = this.stepRoots[i];
    return r.rootAfterSlot ?? r.root;
  }

  async run(): Promise<BatchResult> {
    const inp = this.input;
    const batchCounters = this.e.counting ? this.tracker.batch(inp.batchL2Data.length) : zeroCounters();
    const decoded = decodeBatchL2Data(inp.batchL2Data);
    const sys = (slot: bigint) => storageRef(ADDRESS_SYSTEM, slot);
    const gerSlot = storageRef(ADDRESS_GER_MANAGER, gerMapSlot(inp.globalExitRoot));
    const common: LeafRef[] = [sys(LAST_TX_STORAGE_POS), storageRef(ADDRESS_GER_MANAGER, LOCAL_EXIT_ROOT_STORAGE_POS), gerSlot, keysOf(inp.coinbase).balance];
    // Senders are recovered and leaves read a slice ahead of execution (see the loop), so the
    // hashdb reads while transactions execute and execution starts after the first slice's read.
    const txs = decoded.ok ? decoded.txs : [];
    const senders: (string | undefined)[] = [];
    await this.ov.prefetch([...common, ...this.recoverSlice(txs, senders, READ_SLICE_TXS)]);

    // Global exit root: written once, never overwritten (spec 2.4).
    if (!isZero(inp.globalExitRoot) && (await this.ov.get(gerSlot)) === 0n) {
      const m = this.ov.mark();
      this.ov.set(gerSlot, inp.timestamp);
      this.steps.push({ changes: this.ov.changesSince(m) });
      this.stepSlotIds.push(undefined);
    }
    const gerSteps = this.steps.length;
    const afterGerMark = this.ov.mark();
    this.txCount = await this.ov.get(sys(LAST_TX_STORAGE_POS));

    // Candidate mode counts only the candidates: the caller's `remaining` already accounts for its batch.
    const totals = zeroCounters();
    if (!inp.remaining) addCounters(totals, batchCounters);
    const responses: InternalTx[] = [];
    let romError = RomError.NoError;
    const included: Uint8Array[] = [];
    let cumulativeGas = 0n;
    const remaining = inp.remaining;

    if (!decoded.ok) {
      romError = RomError.InvalidRlp;
    } else {
      // Parsing happens for every tx before any executes.
      const parsing = decoded.txs.map((tx) => (this.e.counting ? this.tracker.rlpParsing(tx) : zeroCounters()));
      if (!remaining) for (const p of parsing) addCounters(totals, p);
      let usedBytes = 0;
      for (let i = 0; i < decoded.txs.length; i++) {
        if (i % READ_SLICE_TXS === 0) this.ov.readAhead(this.recoverSlice(txs, senders, i + 2 * READ_SLICE_TXS));
        const tx = decoded.txs[i];
        const mark = this.ov.mark();
        const stepsBefore = this.steps.length;
        const txCountBefore = this.txCount;
        const res = await this.processTx(tx, senders[i]);
        const processing = { ...res.counters };
        addCounters(res.counters, parsing[i]);
        if (remaining) {
          // Candidate mode: keep the tx only if it fits what the batch has left.
          const c = { ...totals };
          addCounters(c, res.counters);
          const fits = exceeded(c, remaining) === null && cumulativeGas + res.gasUsed <= remaining.gas && usedBytes + tx.encoded.length <= remaining.bytes && included.length + 1 <= remaining.txs;
          if (!fits || isIntrinsicError(res.error)) {
            if (!isIntrinsicError(res.error)) {
              // Undo the tx: its journal range and its step.
              this.ov.rollback(mark);
              this.steps.length = stepsBefore;
              this.stepSlotIds.length = stepsBefore;
              this.txCount = txCountBefore;
              if (!fits) {
                // OOC when the tx could not fit even an empty batch (it never will); else it may fit the next one.
                const alone = { ...batchCounters };
                addCounters(alone, res.counters);
                res.error = exceeded(alone, this.limits) ?? RomError.NotIncluded;
              }
            }
            res.included = false;
            res.stateRoot = undefined as unknown as H4;
            responses.push(res);
            continue;
          }
          Object.assign(totals, c);
          usedBytes += tx.encoded.length;
        } else {
          addCounters(totals, processing); // parsing was counted for every tx up front
          // eth_call / estimateGas (`from`) and no_counters requests run without counter limits.
          const ooc = this.e.counting && !inp.noCounters && inp.from === undefined ? exceeded(totals, this.limits) : null;
          if (ooc !== null) {
            // ROM: the whole batch goes back to its post-GER root; no further tx runs.
            res.error = ooc;
            res.included = false;
            responses.push(res);
            romError = ooc;
            await this.settle().catch((err) => {
              throw mapDbError(err);
            });
            this.steps.length = gerSteps;
            this.stepSlotIds.length = gerSteps;
            this.stepRoots.length = Math.min(this.stepRoots.length, gerSteps);
            this.ov.rollback(afterGerMark);
            for (const r of responses) r.included = false;
            break;
          }
        }
        if (!isIntrinsicError(res.error)) {
          cumulativeGas += res.gasUsed;
          included.push(tx.encoded);
          this.maybeSendChunk();
        } else res.included = false;
        responses.push(res);
      }
    }

    try {
      await this.flush();
      if (this.persist && this.e.sm.newPrograms.size > 0) {
        this.stats.hashdbCalls++;
        await this.db.setPrograms([...this.e.sm.newPrograms.values()], { persist: true });
      }
    } catch (err) {
      throw mapDbError(err);
    }
    // Roots per response: R2 of its step, or the root before it for a tx without a block.
    let stepIdx = gerSteps - 1;
    for (const r of responses) {
      if (r.included && r.stepIndex !== undefined) stepIdx = r.stepIndex;
      r.stateRoot = r.included && r.stepIndex !== undefined ? this.rootAfterStep(r.stepIndex) : this.rootAfterStep(Math.min(stepIdx, this.stepRoots.length - 1));
    }
    const newStateRoot = this.rootAfterStep(this.steps.length - 1);
    // Candidate mode describes the batch the included txs would make.
    const includedData = Buffer.concat(included);
    const bh = batchHashData(inp.remaining ? includedData : inp.batchL2Data);
    const ler = await this.ov.get(storageRef(ADDRESS_GER_MANAGER, LOCAL_EXIT_ROOT_STORAGE_POS));
    const rw = new Map<string, { nonce: bigint; balance: bigint }>();
    for (const a of this.e.sm.touched) {
      const k = keysOf(a);
      const b = this.ov.known(k.balance.id);
      const n = this.ov.known(k.nonce.id);
      if (b !== undefined || n !== undefined) rw.set(a, { nonce: n ?? 0n, balance: b ?? 0n });
    }
    return {
      newStateRoot,
      newAccInputHash: accInputHash(inp.oldAccInputHash, bh, inp.globalExitRoot, inp.timestamp, hexBytes(inp.coinbase)),
      newLocalExitRoot: setLengthLeft(bigIntToBytes(ler), 32),
      newBatchNum: inp.oldBatchNum + 1n,
      batchHashData: bh,
      romError,
      counters: totals,
      cumulativeGasUsed: cumulativeGas,
      responses: responses.map(stripInternal),
      readWriteAddresses: rw,
      includedBatchL2Data: includedData,
      hashdbCalls: this.stats.hashdbCalls,
    };
  }

  private async processTx(tx: BatchTx, sender: string | undefined): Promise<InternalTx> {
    const egp = effectiveGasPrice(tx.gasPrice, tx.effectivePercentage);
    const res: InternalTx = {
      txHash: new Uint8Array(32),
      rlpTx: ethRawTx(tx, tx),
      encoded: tx.encoded,
      from: sender ?? '',
      error: RomError.NoError,
      returnValue: new Uint8Array(0),
      gasLimit: tx.gasLimit,
      gasUsed: 0n,
      gasLeft: tx.gasLimit,
      gasRefunded: 0n,
      createAddress: '',
      stateRoot: undefined as unknown as H4,
      logs: [],
      effectiveGasPrice: egp,
      effectivePercentage: tx.effectivePercentage,
      hasGaspriceOpcode: false,
      hasBalanceOpcode: false,
      counters: zeroCounters(),
      included: true,
      stepIndex: undefined,
    };
    res.txHash = keccak256(res.rlpTx);
    const fail = (e: RomError) => {
      res.error = e;
      res.included = false;
      return res;
    };
    // Intrinsic checks in ROM order (spec 3.1).
    if (!sender) return fail(RomError.IntrinsicInvalidSignature);
    // Read even when a check fails: the sequencer uses the sender's nonce and balance from the read set.
    this.e.sm.touched.add(sender);
    const sk = keysOf(sender);
    if ((await this.ov.get(sk.length)) !== 0n) return fail(RomError.IntrinsicInvalidSenderCode);
    if (tx.chainId !== null && tx.chainId !== this.input.chainId) return fail(RomError.IntrinsicInvalidChainId);
    const nonce = await this.ov.get(sk.nonce);
    if (tx.nonce !== nonce) return fail(RomError.IntrinsicInvalidNonce);
    if (tx.gasLimit > TX_GAS_LIMIT) return fail(RomError.IntrinsicInvalidBatchGasLimit);
    const isCreate = tx.to === null;
    const intrinsic = intrinsicGas(tx.data, isCreate);
    if (tx.gasLimit < intrinsic) return fail(RomError.IntrinsicInvalidGasLimit);
    const upfront = tx.gasLimit * egp;
    if (upfront >= 1n << 256n) return fail(RomError.IntrinsicTxGasOverflow);
    const balance = await this.ov.get(sk.balance);
    if (upfront + tx.value >= 1n << 256n || upfront + tx.value > balance) return fail(RomError.IntrinsicInvalidBalance);

    this.tracker.beginTx(isCreate);
    const sm = this.e.sm;
    const toHexAddr = tx.to ? toHex(tx.to) : undefined;
    const plain = toHexAddr !== undefined && !isPrecompile(tx.to!) && (await this.ov.get(keysOf(toHexAddr).length)) === 0n;
    sm.beginTx(plain ? undefined : toHexAddr);
    sm.touched.add(sender);
    const txMark = this.ov.mark();
    this.ov.set(sk.balance, balance - upfront);
    this.ov.set(sk.nonce, nonce + 1n);

    let ex: EvmOutcome;
    if (plain) ex = await this.transferOnly(sender, toHexAddr!, tx.value);
    else {
      ex = await this.runEvm(tx, sender, tx.gasLimit - intrinsic, egp);
      if (toHexAddr !== undefined) slotLearner.observe(toHexAddr, sm.watchedSlots, sender, tx.data);
    }
    let gasUsed = intrinsic + ex.executionGasUsed;
    const refund = ex.exceptionError ? 0n : min(ex.gasRefund ?? 0n, gasUsed / 2n);
    gasUsed -= refund;
    const gasLeft = tx.gasLimit - gasUsed;
    res.error = ex.exceptionError ? romErrorOf(ex.exceptionError.error) : RomError.NoError;
    res.returnValue = ex.returnValue;
    res.gasUsed = gasUsed;
    res.gasLeft = gasLeft;
    res.gasRefunded = refund;
    if (isCreate && ex.createdAddress) res.createAddress = ex.createdAddress.toString();
    res.logs = (ex.logs ?? []).map(([address, topics, data], i) => ({ address: bytesToHex(address), topics, data, index: i }));

    // Settlement: refund the sender, pay the sequencer (spec 3.4).
    const sb = await this.ov.get(sk.balance);
    this.ov.set(sk.balance, sb + gasLeft * egp);
    const ck = keysOf(this.input.coinbase);
    sm.touched.add(this.input.coinbase);
    const cb = await this.ov.get(ck.balance);
    this.ov.set(ck.balance, cb + gasUsed * egp);

    if (this.e.counting) {
      if (isCreate) this.tracker.op('processTx.deploy', { bl: ex.exceptionError ? 0 : ex.returnValue.length });
      else this.tracker.op('processTx.call', { bl: toHexAddr ? Number(await this.ov.get(keysOf(toHexAddr).length)) : 0 });
    }
    res.hasGaspriceOpcode = this.tracker.hasGasprice;
    res.hasBalanceOpcode = this.tracker.hasBalance;

    // updateSystemData: slot 0 := txCount + 1 gives R1; R1 into keccak(txCount ‖ 1) gives R2.
    this.txCount += 1n;
    this.ov.set(storageRef(ADDRESS_SYSTEM, LAST_TX_STORAGE_POS), this.txCount);
    const slotRef = storageRef(ADDRESS_SYSTEM, stateRootSlot(this.txCount));
    this.steps.push({ changes: this.ov.changesSince(txMark), rootSlotKey: slotRef.key });
    this.stepSlotIds.push(slotRef.id);
    this.ov.setUnresolved(slotRef);
    res.stepIndex = this.steps.length - 1;
    res.counters = { ...this.tracker.tx };
    return res;
  }

  /**
   * A call to an account without code (not a precompile) only moves value; doing it here gives
   * the same leaves as the EVM without its per-call machinery (the common transfer case).
   */
  private async transferOnly(from: string, to: string, value: bigint): Promise<EvmOutcome> {
    if (value !== 0n && from !== to) {
      const fk = keysOf(from).balance;
      const tk = keysOf(to).balance;
      this.ov.set(fk, (await this.ov.get(fk)) - value);
      this.ov.set(tk, (await this.ov.get(tk)) + value);
    }
    this.e.sm.touched.add(to);
    return { executionGasUsed: 0n, gasRefund: 0n, returnValue: EMPTY, logs: [] };
  }

  private async runEvm(tx: BatchTx, sender: string, gasLimit: bigint, gasPrice: bigint): Promise<EvmOutcome> {
    const evm = this.e.evm;
    const caller = createAddressFromString(sender);
    const to = tx.to ? new Address(tx.to) : undefined;
    // Clears the previous tx's warm sets. Not cleanup(): its EIP-161 pass reads every touched
    // account again, and an empty account has no leaves in the zkEVM tree anyway.
    evm.journal.cleanJournal();
    delete (evm.journal as { accessList?: unknown }).accessList;
    evm.journal.addAlwaysWarmAddress(sender);
    if (to) evm.journal.addAlwaysWarmAddress(to.toString());
    for (const p of PRECOMPILES) evm.journal.addAlwaysWarmAddress(p);
    const result = await evm.runCall({
      caller,
      origin: caller,
      to,
      value: tx.value,
      data: tx.data,
      gasLimit,
      gasPrice,
      skipNonceIncrement: true,
      block: {
        header: {
          number: this.txCount + 1n,
          coinbase: this.coinbase,
          timestamp: this.input.timestamp,
          difficulty: 0n,
          prevRandao: PREVRANDAO,
          gasLimit: BLOCK_GAS_LIMIT,
          getBlobGasPrice: () => undefined,
        },
      },
    });
    return { ...result.execResult, createdAddress: result.createdAddress };
  }
}

type InternalTx = TxResult & { stepIndex: number | undefined };
type EvmOutcome = Pick<ExecResult, 'executionGasUsed' | 'gasRefund' | 'exceptionError' | 'returnValue' | 'logs'> & { createdAddress?: Address };

const EMPTY = new Uint8Array(0);
const PRECOMPILES = Array.from({ length: 9 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`);

/** 0x01..0x09: always-warm precompile addresses (the unsupported ones revert). */
function isPrecompile(a: Uint8Array): boolean {
  for (let i = 0; i < 19; i++) if (a[i] !== 0) return false;
  return a[19] >= 1 && a[19] <= 9;
}

function stripInternal(r: InternalTx): TxResult {
  const { stepIndex: _s, ...rest } = r;
  return rest;
}

function romErrorOf(msg: string): RomError {
  switch (msg) {
    case 'out of gas':
    case 'code store out of gas':
    case 'value out of range':
      return RomError.OutOfGas;
    case 'stack overflow':
      return RomError.StackOverflow;
    case 'stack underflow':
      return RomError.StackUnderflow;
    case 'code size to deposit exceeds maximum code size':
      return RomError.MaxCodeSizeExceeded;
    case 'create collision':
      return RomError.ContractAddressCollision;
    case 'revert':
      return RomError.ExecutionReverted;
    case 'invalid JUMP':
      return RomError.InvalidJump;
    case 'invalid opcode':
      return RomError.InvalidOpcode;
    case 'static state change':
      return RomError.InvalidStatic;
    case 'invalid bytecode deployed':
      return RomError.InvalidBytecodeStartsEf;
    default:
      return msg.startsWith('invalid JUMP') ? RomError.InvalidJump : RomError.OutOfGas;
  }
}

function mapDbError(err: unknown): unknown {
  if (err instanceof CodedError && err.code === 'HASHDB_UNKNOWN_ROOT') return new CodedError(ExecutorErrorCode.UnknownRoot, err.message);
  if (err instanceof CodedError) return err;
  return new CodedError(ExecutorErrorCode.HashDbUnavailable, `hashdb: ${(err as Error).message}`);
}

function gerMapSlot(ger: Uint8Array): bigint {
  const buf = new Uint8Array(64);
  buf.set(ger, 0);
  return BigInt(toHex(keccak256(buf)));
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function isZero(b: Uint8Array): boolean {
  return b.every((x) => x === 0);
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.slice(2), 'hex'));
}

function addrHex(a: Uint8Array | null): string | undefined {
  return a ? toHex(a) : undefined;
}
