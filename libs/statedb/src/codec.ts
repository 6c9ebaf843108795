import type { Batch, BatchResources, BatchStatus, Hex, StoredBlock, StoredTx } from './types';

/** Batch fields are stored as a Redis hash of strings; these two functions are the only mapping. */
export function batchToFields(b: Partial<Omit<Batch, 'batchL2Data'>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    out[k] = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  }
  return out;
}

const nullable = (v: string | undefined): string | null => (v === undefined || v === 'null' ? null : v);
const num = (v: string | undefined): number | null => (nullable(v) === null ? null : Number(v));

export function fieldsToBatch(f: Record<string, string>, dataHex: string | null): Batch {
  return {
    number: Number(f.number),
    coinbase: f.coinbase as Hex,
    timestamp: Number(f.timestamp),
    globalExitRoot: f.globalExitRoot as Hex,
    stateRoot: f.stateRoot as Hex,
    localExitRoot: f.localExitRoot as Hex,
    accInputHash: nullable(f.accInputHash) as Hex | null,
    batchL2Data: `0x${dataHex ?? ''}`,
    status: f.status as BatchStatus,
    closingReason: nullable(f.closingReason),
    resources: JSON.parse(f.resources) as BatchResources,
    openedAt: Number(f.openedAt),
    closedAt: num(f.closedAt),
    forcedBatchNum: num(f.forcedBatchNum),
    sendSequencesTxHash: nullable(f.sendSequencesTxHash) as Hex | null,
    virtualL1Block: num(f.virtualL1Block),
  };
}

const ZERO_BLOOM = `0x${'0'.repeat(512)}` as Hex;
const EMPTY: Hex = '0x';

/** Blocks and txs as stored: an all-zero logs bloom (a tx without logs) is kept as `0x`, a third of the bytes. */
export function encodeBlock(b: StoredBlock): string {
  return JSON.stringify(b.logsBloom === ZERO_BLOOM ? { ...b, logsBloom: EMPTY } : b);
}

export function decodeBlock(raw: string): StoredBlock {
  const b = JSON.parse(raw) as StoredBlock;
  if (b.logsBloom === EMPTY) b.logsBloom = ZERO_BLOOM;
  return b;
}

export function encodeTx(t: StoredTx): string {
  return JSON.stringify(t.receipt.logsBloom === ZERO_BLOOM ? { ...t, receipt: { ...t.receipt, logsBloom: EMPTY } } : t);
}

export function decodeTx(raw: string): StoredTx {
  const t = JSON.parse(raw) as StoredTx;
  if (t.receipt.logsBloom === EMPTY) t.receipt.logsBloom = ZERO_BLOOM;
  return t;
}
