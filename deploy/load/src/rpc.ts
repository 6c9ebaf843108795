import type { HttpTransportConfig } from 'viem' with { 'resolution-mode': 'import' };

// viem's type declarations are ESM-only; require() loads its CommonJS build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { http } = require('viem') as typeof import('viem', { with: { 'resolution-mode': 'import' } });

/** The JSON-RPC calls on the load's hot path (submissions and the batch tracker). */
export type LoadRpc = { send<T = unknown>(method: string, params: unknown[]): Promise<T> };

/**
 * viem's HTTP transport with JSON-RPC batching (≤ 100 calls per HTTP request, the rpc's default
 * limit) and no retries (the generator classifies and retries itself). viem parses bodies with
 * the runtime's JSON; ethers' pure-JS UTF-8 coding of every body took ~10 % of the generator's CPU.
 */
export function loadRpc(url: string, timeoutMs = 30_000): LoadRpc {
  const config: HttpTransportConfig = { batch: { batchSize: 100, wait: 5 }, retryCount: 0, timeout: timeoutMs };
  const { request } = http(url, config)({ retryCount: 0 });
  return { send: <T>(method: string, params: unknown[]) => request({ method, params }) as Promise<T> };
}
