import { decodeBatchL2Data, fromHex } from '@zkseq/batch';
import { loadProto, type ProcessBatchResponse, type ProcessTxResponse } from '@zkseq/grpc';
import type { PoolTx } from '@zkseq/pooldb';
import { emptyUsage, fits, type BatchLimits } from './resources';
import type { Measured } from './selection';

/** The RomError numbers of proto/executor.proto the sequencer acts on. */
export const Rom = {
  NoError: 1,
  OutOfCountersFirst: 8,
  OutOfCountersLast: 14,
  InvalidSignature: 19,
  InvalidChainId: 20,
  InvalidNonce: 21,
  InvalidGasLimit: 22,
  InvalidBalance: 23,
  InvalidBatchGasLimit: 24,
  InvalidSenderCode: 25,
  TxGasOverflow: 26,
  InvalidRlp: 29,
  NotIncluded: 100,
} as const;

let romNames: Map<number, string> | undefined;

/** `EXECUTION_REVERTED` for 7, from the enum in proto/executor.proto. */
export function romErrorName(code: number): string {
  if (!romNames) {
    type Loaded = { zkseq: { executor: { v1: { RomError: { type: { value: { name: string; number: number }[] } } } } } };
    const values = (loadProto('executor.proto') as unknown as Loaded).zkseq.executor.v1.RomError.type.value;
    romNames = new Map(values.map((e) => [e.number, e.name.replace(/^ROM_ERROR_/, '')]));
  }
  return romNames.get(code) ?? `ROM_ERROR_${code}`;
}

/**
 * What happens to one candidate after a call:
 * - included: in the batch (status-1 or status-0 receipt, one L2 block);
 * - not-fitting: valid but left out for lack of room; stays pending, not retried in this batch;
 * - later: stays pending and may be retried in this batch (a nonce gap behind a left-out tx);
 * - failed / invalid: leaves the pool with a reason (invalid = can never be included).
 */
export type Outcome =
  | { kind: 'included'; tx: PoolTx; res: ProcessTxResponse }
  | { kind: 'not-fitting'; tx: PoolTx; measured: Measured }
  | { kind: 'later'; tx: PoolTx }
  | { kind: 'failed'; tx: PoolTx; reason: string }
  | { kind: 'invalid'; tx: PoolTx; reason: string };

/**
 * Classifies a candidate-mode response. `candidates` are the txs in the order of the call's batch
 * data. A tx that did not fit is invalid when its own measured needs exceed an empty batch's
 * limits (it never will fit), so it cannot hold up its sender's queue forever.
 */
export function classify(candidates: readonly PoolTx[], res: ProcessBatchResponse, limits: BatchLimits, mcp: number): Outcome[] {
  if (res.errorRom === Rom.InvalidRlp) return badEncodings(candidates);
  if (res.responses.length !== candidates.length) throw new Error(`executor answered ${res.responses.length} responses for ${candidates.length} candidates`);
  return candidates.map((tx, i): Outcome => {
    const r = res.responses[i];
    if (r.included) return { kind: 'included', tx, res: r };
    const measured: Measured = { gas: Number(r.gasUsed), counters: r.counters };
    const e = r.error;
    if (e === Rom.NotIncluded) {
      const bytes = (tx.l2Data.length - 2) / 2;
      return fits(emptyUsage(), { ...measured, bytes }, limits, mcp) ? { kind: 'not-fitting', tx, measured } : { kind: 'invalid', tx, reason: 'does not fit an empty batch (out of counters)' };
    }
    if (e >= Rom.OutOfCountersFirst && e <= Rom.OutOfCountersLast) return { kind: 'invalid', tx, reason: `does not fit an empty batch (${romErrorName(e)})` };
    if (e === Rom.InvalidNonce) {
      const account = res.readWriteAddresses.get(tx.from.toLowerCase());
      // Below the account's nonce: that nonce is used for good. Above it: an earlier nonce was left out.
      if (account && BigInt(tx.nonce) < account.nonce) return { kind: 'failed', tx, reason: 'nonce too low' };
      return { kind: 'later', tx };
    }
    if (e === Rom.InvalidBalance) return { kind: 'failed', tx, reason: 'insufficient funds for gas * price + value' };
    if (e === Rom.InvalidSenderCode) return { kind: 'failed', tx, reason: 'sender is not an EOA' };
    if (e >= Rom.InvalidSignature && e <= Rom.TxGasOverflow) return { kind: 'invalid', tx, reason: romErrorName(e) };
    throw new Error(`candidate ${tx.hash} left out with unexpected error ${romErrorName(e)}`);
  });
}

/**
 * The ROM parses every entry before running any, so one undecodable entry makes the whole call run
 * nothing. Each candidate's own entry decides: undecodable ones are invalid, the others retry.
 */
function badEncodings(candidates: readonly PoolTx[]): Outcome[] {
  return candidates.map((tx) => {
    const d = decodeBatchL2Data(fromHex(tx.l2Data));
    return d.ok && d.txs.length === 1 ? { kind: 'later', tx } : { kind: 'invalid', tx, reason: `INVALID_RLP: ${d.ok ? 'not one transaction' : d.reason}` };
  });
}
