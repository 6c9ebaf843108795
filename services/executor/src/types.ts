import type { ProcessBatchRequest } from '@zkseq/grpc';
import type { H4 } from '@zkseq/poseidon';
import type { RomError } from './constants';
import type { CounterSet } from './counters';

/**
 * A ProcessBatch request as the processor takes it: the wire request (@zkseq/grpc) with the
 * counter switch always set and the remaining resources in the executor's counter names.
 */
export type ProcessBatchInput = Omit<ProcessBatchRequest, 'noCounters' | 'remaining'> & {
  /** Skip counter limits (counters are still reported unless `skipCounting`). */
  noCounters: boolean;
  /**
   * Candidate mode: the txs are candidates tried in order against these remaining resources;
   * one that does not fit is left out (NotIncluded) and the next is tried. Without it, the ROM's
   * rule applies: an out-of-counters tx sends the whole batch back to its post-GER root.
   */
  remaining?: Resources;
};

export type Resources = CounterSet & { gas: bigint; bytes: number; txs: number };

export type LogEntry = { address: string; topics: Uint8Array[]; data: Uint8Array; index: number };

export type TxResult = {
  txHash: Uint8Array;
  rlpTx: Uint8Array;
  /** The entry as it appears in batchL2Data. */
  encoded: Uint8Array;
  from: string;
  error: RomError;
  returnValue: Uint8Array;
  gasLimit: bigint;
  gasUsed: bigint;
  gasLeft: bigint;
  gasRefunded: bigint;
  createAddress: string;
  /** R2 after the system update; for a tx without a block, the root before it. */
  stateRoot: H4;
  logs: LogEntry[];
  effectiveGasPrice: bigint;
  effectivePercentage: number;
  hasGaspriceOpcode: boolean;
  hasBalanceOpcode: boolean;
  /** Counters of this tx alone (rlp parsing + processing + opcodes). */
  counters: CounterSet;
  /** Whether the tx's changes are part of the batch result. */
  included: boolean;
};

export type BatchResult = {
  newStateRoot: H4;
  newAccInputHash: Uint8Array;
  newLocalExitRoot: Uint8Array;
  newBatchNum: bigint;
  batchHashData: Uint8Array;
  /** Batch-level ROM error: InvalidRlp, an out-of-counters code, or NoError. */
  romError: RomError;
  counters: CounterSet;
  cumulativeGasUsed: bigint;
  responses: TxResult[];
  readWriteAddresses: Map<string, { nonce: bigint; balance: bigint }>;
  /** Candidate mode: the included txs' entries, in order (the data a sequencer appends). */
  includedBatchL2Data: Uint8Array;
  hashdbCalls: number;
};
