import { fromHex, toHex } from '@zkseq/batch';
import { CodedError, ExecutorErrorCode } from '@zkseq/errors';
import { bigIntToH4, h4Equal, h4ToHex, hexToH4, type H4, type HashDbApi, type LeafChange } from '@zkseq/smt';
import type { BatchResult, ProcessBatchInput } from './types';

/** An executor-input JSON (zkevm-testvectors `inputs-executor` format). */
export type ExecutorInputJson = {
  oldStateRoot: string;
  oldAccInputHash: string;
  oldNumBatch: number | string;
  chainID: number | string;
  forkID: number | string;
  batchL2Data: string;
  globalExitRoot: string;
  timestamp: number | string;
  sequencerAddr: string;
  /** code hash -> bytecode (some generator versions map address -> code hash instead). */
  contractsBytecode?: Record<string, string>;
  /** node hash -> preimage as 16-hex-digit field elements (12 for tree nodes, 8 for values). */
  db?: Record<string, string[]>;
  updateMerkleTree?: boolean;
  from?: string;
};

const pad32 = (hex: string) => `0x${hex.replace(/^0x/, '').padStart(64, '0')}`;

/**
 * Recovers every (key, value) leaf of the tree under `root` from a node dump, re-joining each
 * leaf's full key from its remaining key and the path bits (zkevm-state.md 2.3).
 */
export function leavesFromDb(db: Record<string, string[]>, root: H4): LeafChange[] {
  const nodes = new Map<string, bigint[]>();
  for (const [h, pre] of Object.entries(db)) nodes.set(pad32(h).toLowerCase(), pre.map((x) => BigInt(`0x${x}`)));
  const out: LeafChange[] = [];
  const walk = (hash: H4, level: number, path: bigint[]) => {
    if (hash.every((w) => w === 0n)) return;
    const node = nodes.get(h4ToHex(hash));
    if (!node) throw new CodedError(ExecutorErrorCode.UnknownRoot, `db lacks node ${h4ToHex(hash)}`);
    if (node.length >= 12 && node[8] === 1n) {
      const rk = node.slice(0, 4);
      const valueNode = nodes.get(h4ToHex(node.slice(4, 8) as H4));
      if (!valueNode) throw new CodedError(ExecutorErrorCode.InvalidRequest, `db lacks value ${h4ToHex(node.slice(4, 8) as H4)}`);
      let value = 0n;
      for (let i = 7; i >= 0; i--) value = (value << 32n) | valueNode[i];
      const key = rk.map((w, i) => (w << BigInt(Math.floor(level / 4) + (i < level % 4 ? 1 : 0))) | path[i]) as H4;
      out.push({ key, value });
      return;
    }
    for (let side = 0; side < 2; side++) {
      const child = node.slice(side * 4, side * 4 + 4) as H4;
      const p = [...path];
      p[level % 4] |= BigInt(side) << BigInt(Math.floor(level / 4));
      walk(child, level + 1, p);
    }
  };
  walk(root, 0, [0n, 0n, 0n, 0n]);
  return out;
}

/** Loads the input's pre-state (`db`, `contractsBytecode`) into `hashdb` and checks the root. */
export async function loadPreState(hashdb: HashDbApi, input: ExecutorInputJson, extraCode: Uint8Array[] = []): Promise<void> {
  const root = hexToH4(pad32(input.oldStateRoot));
  if (input.db) {
    const leaves = leavesFromDb(input.db, root);
    const built = await hashdb.apply(bigIntToH4(0n), leaves, { persist: true });
    if (!h4Equal(built, root)) throw new CodedError(ExecutorErrorCode.InvalidRequest, `db rebuilds ${h4ToHex(built)}, not oldStateRoot ${input.oldStateRoot}`);
  }
  // Only hash -> code entries carry code; address -> hash entries (a generator quirk) are skipped.
  const codes = Object.values(input.contractsBytecode ?? {}).filter((v) => v.replace(/^0x/, '').length > 64).map((v) => fromHex(v));
  if (codes.length + extraCode.length > 0) await hashdb.setPrograms([...codes, ...extraCode], { persist: true });
}

export function toProcessBatchInput(input: ExecutorInputJson): ProcessBatchInput {
  return {
    oldStateRoot: hexToH4(pad32(input.oldStateRoot)),
    oldAccInputHash: fromHex(pad32(input.oldAccInputHash)),
    oldBatchNum: BigInt(input.oldNumBatch),
    chainId: BigInt(input.chainID),
    forkId: Number(input.forkID),
    batchL2Data: fromHex(input.batchL2Data),
    globalExitRoot: fromHex(pad32(input.globalExitRoot)),
    timestamp: BigInt(input.timestamp),
    coinbase: input.sequencerAddr.toLowerCase(),
    updateMerkleTree: input.updateMerkleTree ?? true,
    noCounters: false,
    from: input.from,
  };
}

/** The CLI's JSON view of a batch result. */
export function resultToJson(r: BatchResult): Record<string, unknown> {
  return {
    newStateRoot: h4ToHex(r.newStateRoot),
    newAccInputHash: toHex(r.newAccInputHash),
    newLocalExitRoot: toHex(r.newLocalExitRoot),
    newBatchNum: Number(r.newBatchNum),
    batchHashData: toHex(r.batchHashData),
    romError: r.romError,
    cumulativeGasUsed: r.cumulativeGasUsed.toString(),
    counters: r.counters,
    txs: r.responses.map((t) => ({
      txHash: toHex(t.txHash),
      from: t.from,
      error: t.error,
      gasUsed: t.gasUsed.toString(),
      gasRefunded: t.gasRefunded.toString(),
      createAddress: t.createAddress || undefined,
      returnValue: toHex(t.returnValue),
      stateRoot: t.stateRoot ? h4ToHex(t.stateRoot) : undefined,
      effectiveGasPrice: t.effectiveGasPrice.toString(),
      logs: t.logs.map((l) => ({ address: l.address, topics: l.topics.map(toHex), data: toHex(l.data) })),
      counters: t.counters,
    })),
  };
}
