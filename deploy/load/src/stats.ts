/** Latency summary in milliseconds; a sample that never happened counts as +infinity (JSON: null). */
export type LatencySummary = { count: number; missing: number; p50: number | null; p90: number | null; p99: number | null; max: number | null; mean: number | null };

/** Nearest-rank percentile of sorted samples; `missing` samples rank above every real one. */
function rank(sorted: number[], missing: number, p: number): number | null {
  const n = sorted.length + missing;
  if (n === 0) return null;
  const i = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
  return i < sorted.length ? Math.round(sorted[i]) : null;
}

export function summarize(samples: number[], missing = 0): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null;
  return {
    count: sorted.length,
    missing,
    p50: rank(sorted, missing, 50),
    p90: rank(sorted, missing, 90),
    p99: rank(sorted, missing, 99),
    max: missing > 0 ? null : sorted.length ? Math.round(sorted[sorted.length - 1]) : null,
    mean: mean === null ? null : Math.round(mean),
  };
}

/**
 * Groups an error into a stable type: the JSON-RPC message without the numbers, addresses and
 * hashes that vary per transaction (e.g. "nonce too low: address 0x…, tx: 5 state: 7" →
 * "nonce too low"), or the transport failure's code.
 */
function viemRpcMessage(err: unknown): string | undefined {
  for (let c = err as { name?: string; details?: string; cause?: unknown } | undefined, depth = 0; c && depth < 5; c = c.cause as typeof c, depth++) {
    if (c.name === 'RpcRequestError') return c.details;
  }
  return undefined;
}

export function errorType(err: unknown): string {
  const e = err as { info?: { error?: { message?: string; code?: number } }; error?: { message?: string }; code?: string; shortMessage?: string; message?: string; name?: string; details?: string };
  // ethers keeps the node's message in info.error / error, viem in the details of an RpcRequestError cause.
  const rpc = e?.info?.error?.message ?? e?.error?.message ?? viemRpcMessage(err);
  if (rpc) return rpc.split(':')[0].replace(/0x[0-9a-fA-F]+/g, '0x…').replace(/\d+/g, 'N').trim();
  if (e?.code && e.code !== 'UNKNOWN_ERROR') return `transport: ${e.code}`;
  if (e?.name === 'HttpRequestError' || e?.name === 'TimeoutError') return `transport: ${e.name} ${(e.details ?? '').slice(0, 60)}`.trim();
  return (e?.shortMessage ?? e?.message ?? String(err)).split(/[:(]/)[0].trim().slice(0, 80);
}
