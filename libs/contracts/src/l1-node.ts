import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HDNodeWallet, JsonRpcProvider, Mnemonic, Network } from 'ethers';

/** Hardhat's well-known development mnemonic: every account is public, for local chains only. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
export const DEV_L1_CHAIN_ID = 31337;

export type DevAccount = { address: string; privateKey: string };

/** Account `index` of DEV_MNEMONIC (m/44'/60'/0'/0/index), funded with 10,000 ETH on a local L1. */
export function devAccount(index: number): DevAccount {
  const w = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEV_MNEMONIC), `m/44'/60'/0'/0/${index}`);
  return { address: w.address, privateKey: w.privateKey };
}

export type L1ChainOptions = {
  chainId?: number;
  /** 0 = automine (a block per transaction); otherwise a block every `blockTimeMs`. */
  blockTimeMs?: number;
  accountCount?: number;
};

/** The hardhat network config of a local L1: dev accounts, chain id, automine or interval mining. */
export function hardhatNodeConfig(opts: L1ChainOptions & { workDir: string }): Record<string, unknown> {
  const blockTimeMs = opts.blockTimeMs ?? 1000;
  return {
    paths: { root: opts.workDir, sources: join(opts.workDir, 'contracts'), cache: join(opts.workDir, 'cache'), artifacts: join(opts.workDir, 'artifacts') },
    networks: {
      hardhat: {
        chainId: opts.chainId ?? DEV_L1_CHAIN_ID,
        mining: blockTimeMs === 0 ? { auto: true, interval: 0 } : { auto: false, interval: blockTimeMs },
        accounts: { mnemonic: DEV_MNEMONIC, count: opts.accountCount ?? 20, accountsBalance: (10_000n * 10n ** 18n).toString() },
      },
    },
  };
}

export type L1NodeOptions = L1ChainOptions & {
  host?: string;
  /** 0 (default) = a free port chosen by the OS, so parallel nodes never collide. */
  port?: number;
  startTimeoutMs?: number;
};

export type L1Node = {
  url: string;
  port: number;
  chainId: number;
  pid: number;
  /** A provider configured for a dev chain (no response cache, no batching, fast polling). */
  provider(): JsonRpcProvider;
  /** Sends a raw JSON-RPC request (evm_snapshot, evm_mine, hardhat_setBalance, ...). */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
};

const hardhatCli = () => require.resolve('hardhat/internal/cli/cli');
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** An ethers provider for a dev chain: every call goes to the node (no cache, no batching). */
export function devProvider(url: string, chainId: number): JsonRpcProvider {
  return new JsonRpcProvider(url, Network.from(chainId), { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1, pollingInterval: 50 });
}

/**
 * Starts `hardhat node` in its own process on a free port (offline: nothing to compile or
 * download) and resolves once it accepts JSON-RPC. The node is killed by `stop()`, and also when
 * this process exits, so a failing test cannot leave it running.
 */
export async function startL1Node(opts: L1NodeOptions = {}): Promise<L1Node> {
  const workDir = mkdtempSync(join(tmpdir(), 'zkseq-l1-'));
  const chainId = opts.chainId ?? DEV_L1_CHAIN_ID;
  const configFile = join(workDir, 'hardhat.config.js');
  writeFileSync(configFile, `module.exports = ${JSON.stringify(hardhatNodeConfig({ ...opts, chainId, workDir }), null, 2)};\n`);
  const host = opts.host ?? '127.0.0.1';
  const child = spawn(process.execPath, [hardhatCli(), '--config', configFile, 'node', '--hostname', host, '--port', String(opts.port ?? 0)], {
    // Hardhat refuses to run unless it resolves itself from the working directory.
    cwd: join(__dirname, '..'),
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true', DO_NOT_TRACK: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  const cleanup = () => {
    live.delete(child);
    rmSync(workDir, { recursive: true, force: true });
  };

  let output = '';
  let started = false;
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const port = await new Promise<number>((resolve, reject) => {
    const onExit = (code: number | null) => fail(new Error(`hardhat node exited (${code}) before starting:\n${output}`));
    const timer = setTimeout(() => fail(new Error(`hardhat node did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      cleanup();
      reject(err);
    };
    const onData = (d: Buffer) => {
      // Keep only the start-up text; the per-request log that follows is drained and dropped.
      if (started) return;
      if (output.length < 64_000) output += d.toString();
      const m = /Started HTTP and WebSocket JSON-RPC server at http:\/\/[^:]+:(\d+)\//.exec(output);
      if (m) {
        started = true;
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
  });

  const url = `http://${host}:${port}`;
  let nextId = 1;
  const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }) });
    const body = (await res.json()) as { result?: T; error?: { code: number; message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message} (${body.error.code})`);
    return body.result as T;
  };

  return {
    url,
    port,
    chainId,
    pid: child.pid!,
    provider: () => devProvider(url, chainId),
    rpc,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      cleanup();
    },
  };
}
