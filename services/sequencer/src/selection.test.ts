import { encodeBatchTx, keccak256, signTx, toHex, type TxFields } from '@zkseq/batch';
import type { ProcessBatchResponse, ProcessTxResponse } from '@zkseq/grpc';
import type { Hex, PoolTx } from '@zkseq/pooldb';
import { classify, Rom, romErrorName } from './outcomes';
import { emptyUsage, zeroCounters, type BatchLimits } from './resources';
import { selectCandidates, type Measured, type SelectionState } from './selection';

const limits: BatchLimits = {
  txs: 300, gas: 30_000_000, bytes: 120_000,
  counters: { steps: 7_570_538, keccakHashes: 2_145, poseidonHashes: 252_357, poseidonPaddings: 135_191, memAligns: 236_585, arithmetics: 236_585, binaries: 473_170 },
};

let seq = 0;
function tx(from: string, nonce: number, price: number, over: Partial<PoolTx> = {}): PoolTx {
  seq++;
  return {
    hash: `0x${seq.toString(16).padStart(64, '0')}` as Hex, from: from as Hex, to: null, nonce, gasPrice: BigInt(price), gasLimit: 21_000, value: 0n, chainId: 1001,
    raw: '0x', l2Data: `0x${'ab'.repeat(110)}` as Hex, size: 110, dataSize: 0, intrinsicGas: 21_000, receivedAt: seq, status: 'pending', reason: null, updatedAt: 0, ...over,
  };
}

const none = new Set<string>();
const state = (over: Partial<SelectionState> = {}): SelectionState => ({
  usage: emptyUsage(), limits, mcp: 32, inFlight: none, excluded: none, measured: new Map(), maxCandidates: 300, ...over,
});

describe('candidate selection', () => {
  it('keeps price order, skips what surely does not fit and then the rest of that sender', () => {
    const a0 = tx('0xa', 0, 100);
    const b0 = tx('0xb', 0, 90, { l2Data: `0x${'ab'.repeat(119_950)}` as Hex });
    const a1 = tx('0xa', 1, 80);
    const b1 = tx('0xb', 1, 70);
    const c0 = tx('0xc', 0, 60);
    const sel = selectCandidates([a0, b0, a1, b1, c0], state());
    expect(sel.txs.map((t) => t.hash)).toEqual([a0.hash, a1.hash, c0.hash]);
    expect(sel.skippedForResources).toBe(1);
  });

  it('skips in-flight transactions (their successors follow), excluded ones (with their successors) and caps the call', () => {
    const a0 = tx('0xa', 0, 100);
    const a1 = tx('0xa', 1, 100);
    const b0 = tx('0xb', 0, 90);
    const b1 = tx('0xb', 1, 90);
    const c0 = tx('0xc', 0, 80);
    const sel = selectCandidates([a0, a1, b0, b1, c0], state({ inFlight: new Set([a0.hash]), excluded: new Set([b0.hash]) }));
    expect(sel.txs.map((t) => t.hash)).toEqual([a1.hash, c0.hash]);
    expect(selectCandidates([a0, a1, b0, b1, c0], state({ maxCandidates: 2 })).txs).toHaveLength(2);
  });

  it('uses earlier measurements: a heavy tx is skipped when its counters no longer fit, a light one behind it is taken', () => {
    const heavy = tx('0xa', 0, 100);
    const light = tx('0xb', 0, 50);
    const measured = new Map<string, Measured>([[heavy.hash, { gas: 5_000_000, counters: { ...zeroCounters(), steps: 2_000_000 } }]]);
    const full = { ...emptyUsage(), txs: 10, gas: 1_000_000, bytes: 1_000, counters: { ...zeroCounters(), steps: 6_000_000 } };
    expect(selectCandidates([heavy, light], state({ usage: full, measured })).txs.map((t) => t.hash)).toEqual([light.hash]);
    expect(selectCandidates([heavy, light], state({ measured })).txs.map((t) => t.hash)).toEqual([heavy.hash, light.hash]);
  });
});

function res(r: Partial<ProcessTxResponse>): ProcessTxResponse {
  return {
    txHash: new Uint8Array(32), rlpTx: new Uint8Array(0), returnValue: new Uint8Array(0), gasLeft: 0n, gasUsed: 21_000n, gasRefunded: 0n, error: Rom.NoError, createAddress: '',
    stateRoot: undefined, logs: [], effectiveGasPrice: 1n, effectivePercentage: 255, hasGaspriceOpcode: false, hasBalanceOpcode: false, included: false, from: '0xa',
    batchL2Data: new Uint8Array(0), counters: zeroCounters(), ...r,
  };
}

function batchRes(responses: ProcessTxResponse[], nonces: Record<string, bigint> = {}, errorRom: number = Rom.NoError): ProcessBatchResponse {
  return {
    newStateRoot: [0n, 0n, 0n, 0n], newAccInputHash: new Uint8Array(32), newLocalExitRoot: new Uint8Array(32), newBatchNum: 1n, counters: zeroCounters(), cumulativeGasUsed: 0n,
    responses, errorRom, readWriteAddresses: new Map(Object.entries(nonces).map(([a, n]) => [a, { nonce: n, balance: 0n }])), flushId: 1, storedFlushId: 0,
    batchHashData: new Uint8Array(32), includedBatchL2Data: new Uint8Array(0), hashdbCalls: 1,
  };
}

describe('candidate outcomes', () => {
  it('maps each executor answer to what happens to the pool transaction', () => {
    const txs = [tx('0xa', 0, 1), tx('0xa', 1, 1), tx('0xb', 3, 1), tx('0xc', 5, 1), tx('0xd', 0, 1), tx('0xe', 0, 1), tx('0xf', 0, 1), tx('0x9', 0, 1)];
    const out = classify(
      txs,
      batchRes(
        [
          res({ included: true, error: 7 }),
          res({ error: Rom.NotIncluded, counters: { ...zeroCounters(), steps: 10 } }),
          res({ error: Rom.InvalidNonce }),
          res({ error: Rom.InvalidNonce }),
          res({ error: Rom.InvalidBalance }),
          res({ error: 9 }),
          res({ error: Rom.NotIncluded, counters: { ...zeroCounters(), keccakHashes: 2_200 } }),
          res({ error: Rom.InvalidChainId }),
        ],
        { '0xb': 4n, '0xc': 4n },
      ),
      limits,
      32,
    );
    expect(out.map((o) => [o.kind, 'reason' in o ? o.reason : ''])).toEqual([
      ['included', ''],
      ['not-fitting', ''],
      ['failed', 'nonce too low'],
      ['later', ''],
      ['failed', 'insufficient funds for gas * price + value'],
      ['invalid', 'does not fit an empty batch (OUT_OF_COUNTERS_KECCAK)'],
      ['invalid', 'does not fit an empty batch (out of counters)'],
      ['invalid', 'INTRINSIC_INVALID_CHAIN_ID'],
    ]);
    expect(romErrorName(7)).toBe('EXECUTION_REVERTED');
  });

  it('on a batch-level INVALID_RLP, finds the undecodable candidate and retries the others', () => {
    const fields: TxFields = { nonce: 0n, gasPrice: 1n, gasLimit: 21_000n, to: new Uint8Array(20), value: 0n, data: new Uint8Array(0), chainId: 1001n };
    const good = tx('0xa', 0, 1, { l2Data: toHex(encodeBatchTx(fields, signTx(fields, keccak256(Buffer.from('k'))))) as Hex });
    const bad = tx('0xb', 0, 1, { l2Data: '0xc0ffee' as Hex });
    const out = classify([good, bad], batchRes([], {}, Rom.InvalidRlp), limits, 32);
    expect(out.map((o) => o.kind)).toEqual(['later', 'invalid']);
  });
});
