// `pnpm devnet` as a user runs it (the built CLI; free ports, its own directory, NATS namespace and
// Redis prefix): it prints the endpoints and a `ready` line, writes devnet.json, a wallet library
// (ethers) funds and transfers with the mnemonic's accounts, batches become virtual on L1, a
// killed service is restarted, and a start after the supervisor itself was SIGKILLed clears the
// leftovers and begins a fresh chain; Ctrl-C (SIGINT) stops every process.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HDNodeWallet, JsonRpcProvider, Mnemonic, Network, parseEther } from 'ethers';
import { resetDevnetState, type DevnetInfo } from '../deploy/devnet/src/devnet';
import { alive } from '../deploy/devnet/src/net';

jest.setTimeout(300_000);

const root = join(__dirname, '..');
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const namespace = `t${randomBytes(5).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'zkseq-devnet-cli-'));

type Run = { child: ChildProcess; lines: string[]; exited: Promise<number | null>; waitLine(match: (l: string) => boolean, what: string): Promise<string> };

function startCli(): Run {
  const child = spawn(process.execPath, [join(root, 'deploy/devnet/dist/cli.js')], {
    cwd: root,
    env: {
      ...process.env, DEVNET_PORTS: 'free', DEVNET_DIR: dir, DEVNET_NAMESPACE: namespace, DEVNET_LOAD_ACCOUNTS: '4', DEVNET_PROGRESS_EVERY_S: '1',
      NATS_URL, REDIS_URL, SEQUENCER_BATCH_TIMEOUT_MS: '1000', SEQSENDER_MAX_WAIT_MS: '500',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<(l: string) => void>();
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const w of [...waiters]) w(l);
  });
  child.stderr!.on('data', (d: Buffer) => lines.push(`stderr: ${d.toString()}`));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitLine = (match: (l: string) => boolean, what: string) =>
    new Promise<string>((resolve, reject) => {
      const found = lines.find(match);
      if (found) return resolve(found);
      const w = (l: string) => {
        if (!match(l)) return;
        waiters.delete(w);
        resolve(l);
      };
      waiters.add(w);
      void exited.then((code) => reject(new Error(`devnet exited (${code}) before ${what}:\n${lines.join('\n')}`)));
    });
  return { child, lines, exited, waitLine };
}

const pidFile = join(dir, 'pids.json');
const readPids = (): Record<string, number> => (JSON.parse(readFileSync(pidFile, 'utf8')) as { children: Record<string, number> }).children;
const info = () => JSON.parse(readFileSync(join(dir, 'devnet.json'), 'utf8')) as DevnetInfo;
const wallet = (i: number) => HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase('test test test test test test test test test test test junk'), `m/44'/60'/0'/0/${i}`);

describe('pnpm devnet', () => {
  const runs: Run[] = [];
  let lastPids: number[] = [];

  afterAll(async () => {
    for (const r of runs) {
      if (r.child.exitCode === null && r.child.signalCode === null) {
        r.child.kill('SIGINT');
        const timer = setTimeout(() => r.child.kill('SIGKILL'), 30_000);
        await r.exited;
        clearTimeout(timer);
      }
    }
    // Whatever a failed test left running.
    const pids = existsSync(pidFile) ? Object.values(readPids()) : lastPids;
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await resetDevnetState({ dir, namespace, natsUrl: NATS_URL, redisUrl: REDIS_URL });
    rmSync(dir, { recursive: true, force: true });
  });

  it('comes up, serves a wallet, follows batches to virtual and restarts a killed service', async () => {
    const run = startCli();
    runs.push(run);
    await run.waitLine((l) => l.startsWith('devnet ready'), 'the ready line');
    const d = info();
    expect(d.l1.chainId).toBe(31337);
    expect(d.l2.chainId).toBe(1001);
    expect(d.contracts.rollup).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(Object.keys(d.services).sort()).toEqual(['eth-tx-manager', 'executor', 'hashdb', 'pool', 'rpc', 'sequence-sender', 'sequencer', 'synchronizer']);
    for (const s of Object.values(d.services)) expect((await fetch(s.readyUrl)).status).toBe(200);
    expect(run.lines.join('\n')).toContain(`L2 JSON-RPC      ${d.l2.rpcUrl}`);
    for (const f of [d.files.genesis, d.files.deployment, d.files.l1SequencerKey]) expect(existsSync(f)).toBe(true);

    const provider = new JsonRpcProvider(d.l2.rpcUrl, Network.from(d.l2.chainId), { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 });
    try {
      expect(await provider.getBalance(wallet(19).address)).toBe(parseEther('10000'));
      const sender = wallet(3).connect(provider);
      const to = wallet(4).address;
      const tx = await sender.sendTransaction({ to, value: parseEther('1.5'), type: 0 });
      const receipt = await tx.wait();
      expect(receipt!.status).toBe(1);
      expect(await provider.getBalance(to)).toBe(parseEther('10001.5'));
    } finally {
      provider.destroy();
    }
    // The transfer's batch closes (1 s timeout here), is sequenced on L1 and becomes virtual.
    await run.waitLine((l) => /virtual [1-9]/.test(l), 'a virtual batch in the progress line');

    const executor = readPids().executor;
    process.kill(executor, 'SIGKILL');
    await run.waitLine((l) => l.includes('executor restarted'), 'the executor restart');
    expect(readPids().executor).not.toBe(executor);
    for (;;) {
      const res = await fetch(d.services.executor.readyUrl).catch(() => null);
      if (res?.status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    lastPids = Object.values(readPids());
  });

  it('after its supervisor was SIGKILLed, starts clean; Ctrl-C stops every process', async () => {
    const first = runs[0];
    const orphans = Object.entries(readPids());
    first.child.kill('SIGKILL');
    await first.exited;
    expect(orphans.every(([, pid]) => alive(pid))).toBe(true);

    const run = startCli();
    runs.push(run);
    await run.waitLine((l) => l.startsWith('devnet ready'), 'the ready line');
    // An orphan may also end by itself once its stdout pipe is gone (the hardhat node does); an
    // idle one (the hashdb) is still there and is stopped by the new run.
    const reported = run.lines.filter((l) => l.includes('left over'));
    expect(reported).toContainEqual(`  stopping hashdb (pid ${orphans.find(([n]) => n === 'hashdb')![1]}) left over from a previous run`);
    for (const l of reported) expect(orphans.some(([name, pid]) => l === `  stopping ${name} (pid ${pid}) left over from a previous run`)).toBe(true);
    expect(orphans.filter(([, pid]) => alive(pid))).toEqual([]);
    // A fresh chain: nothing of the first run's transfer.
    const d = info();
    const provider = new JsonRpcProvider(d.l2.rpcUrl, Network.from(d.l2.chainId), { staticNetwork: true, cacheTimeout: -1 });
    try {
      expect(await provider.getBlockNumber()).toBe(0);
      expect(await provider.getBalance(wallet(4).address)).toBe(parseEther('10000'));
    } finally {
      provider.destroy();
    }
    const pids = Object.values(readPids());
    lastPids = pids;
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.lines).toContain('devnet stopped');
    expect(pids.filter(alive)).toEqual([]);
    expect(existsSync(pidFile)).toBe(false);
  });
});
