import type { Batch, BatchResources, BatchStatus, Hex } from './types';

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
