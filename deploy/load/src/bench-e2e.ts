/**
 * `pnpm bench:e2e [--json]`: the whole pipeline on this machine, every service its own process
 * (a devnet on free ports, its own NATS namespace, Redis prefix and directory), driven by the load
 * generator through the L2 JSON-RPC. Figures:
 *   e2e.transfers_per_s       ETH transfers in closed batches per second of a 60 s window
 *   e2e.transfers_p99_closed_ms / _p50_closed_ms / _p99_receipt_ms / _p50_virtual_ms
 *   e2e.erc20_per_s           the same for ERC-20 transfers (30 s window), e2e.erc20_p99_closed_ms
 * plus, as notes, each process's CPU per transaction and the sequencer's time split, which say
 * what limits the figure. Reports and charts go to .bench/e2e/.
 * Settings: E2E_DURATION_S (60), E2E_ERC20_DURATION_S (30), E2E_WINDOW (transactions in flight,
 * 1500), E2E_ACCOUNTS (512), E2E_WARMUP_S (5).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { note, report } from '@zkseq/bench';
import { devAccounts, loadAccounts, startDevnet, type Devnet } from '@zkseq/devnet';
import { deployToken } from './erc20';
import { loadProvider, runLoad, type LoadOptions, type LoadReport } from './generator';
import { summaryText, writeReport } from './report';

const root = resolve(__dirname, '../../..');
const GWEI = 1_000_000_000n;
const num = (name: string, def: number) => (process.env[name] ? Number(process.env[name]) : def);
const DURATION_S = num('E2E_DURATION_S', 60);
const ERC20_DURATION_S = num('E2E_ERC20_DURATION_S', 30);
const WINDOW = num('E2E_WINDOW', 1500);
const ACCOUNTS = num('E2E_ACCOUNTS', 512);
const WARMUP_S = num('E2E_WARMUP_S', 5);
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

type Figure = { name: string; value: number; unit: string };
const figures: Figure[] = [];
const figure = (name: string, value: number | null, unit: string) => figures.push({ name, value: value ?? Number.NaN, unit });

/** utime + stime of a process in seconds (Linux /proc). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

function cpuSnapshot(d: Devnet): Record<string, number> {
  const out: Record<string, number> = { 'load generator': cpuSeconds(process.pid) };
  for (const [name, pid] of Object.entries(d.supervisor.pids())) {
    try {
      out[name] = cpuSeconds(pid);
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

async function scrape(url: string, names: string[]): Promise<Record<string, number>> {
  const text = await (await fetch(url)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const name = names.find((n) => line.startsWith(n) && (line[n.length] === ' ' || line[n.length] === '{'));
    if (!name) continue;
    const phase = /phase="([^"]+)"/.exec(line)?.[1];
    const key = phase ? `${name}{${phase}}` : name;
    out[key] = (out[key] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return out;
}

type Profile = { cpuPerTxUs: Record<string, number>; cpuCores: Record<string, number>; totalCores: number; sequencerSplit: Record<string, number> };

/** Runs one load and profiles the processes over its sending window. */
async function measured(d: Devnet, label: string, o: LoadOptions): Promise<{ report: LoadReport; profile: Profile }> {
  const seqMetrics = d.info.services.sequencer.metricsUrl;
  const phases = ['sequencer_time_seconds_total', 'sequencer_persister_busy_seconds_total'];
  let cpu0: Record<string, number> = {};
  let seq0: Record<string, number> = {};
  let t0 = 0;
  let cpu1: Record<string, number> = {};
  let seq1: Record<string, number> = {};
  let t1 = 0;
  let windowDone = false;
  const r = await runLoad({
    ...o,
    onTick: (t) => {
      note(`  ${label} ${t.elapsedS.toFixed(0).padStart(3)} s: accepted ${t.accepted}, included ${t.included}, closed ${t.closed}, in flight ${t.inFlight}`);
      if (!windowDone && t.elapsedS >= o.durationS - 1.5) {
        windowDone = true;
        t1 = Date.now();
        cpu1 = cpuSnapshot(d);
        void scrape(seqMetrics, phases).then((m) => (seq1 = m));
      }
    },
    onStart: () => {
      t0 = Date.now();
      cpu0 = cpuSnapshot(d);
      void scrape(seqMetrics, phases).then((m) => (seq0 = m));
    },
  });
  const wallS = (t1 - t0) / 1000;
  const closedInWindow = r.ratesPerS.closed * r.windowS;
  const cpuPerTxUs: Record<string, number> = {};
  const cpuCores: Record<string, number> = {};
  for (const name of Object.keys(cpu1)) {
    const used = cpu1[name] - (cpu0[name] ?? cpu1[name]);
    cpuCores[name] = used / wallS;
    cpuPerTxUs[name] = closedInWindow > 0 ? (used * 1e6) / closedInWindow : Number.NaN;
  }
  const sequencerSplit: Record<string, number> = {};
  for (const k of Object.keys(seq1)) sequencerSplit[k] = (seq1[k] - (seq0[k] ?? 0)) / wallS;
  return { report: r, profile: { cpuPerTxUs, cpuCores, totalCores: Object.values(cpuCores).reduce((a, b) => a + b, 0), sequencerSplit } };
}

function printProfile(label: string, p: Profile): void {
  note(`${label}: CPU over the window (cores busy, µs per closed transaction), ${p.totalCores.toFixed(2)} cores in all:`);
  for (const [name, cores] of Object.entries(p.cpuCores).sort((a, b) => b[1] - a[1])) note(`  ${name.padEnd(16)} ${cores.toFixed(2)} cores  ${p.cpuPerTxUs[name].toFixed(0).padStart(6)} µs/tx`);
  note(`${label}: sequencer loop, seconds per second: ${Object.entries(p.sequencerSplit).map(([k, v]) => `${k.replace('sequencer_time_seconds_total', '').replace('sequencer_', '')} ${v.toFixed(2)}`).join(', ')}`);
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const ns = `e2e${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'zkseq-e2e-'));
  const out = join(root, '.bench', 'e2e');
  let devnet: Devnet | undefined;
  const cleanup = async () => {
    await devnet?.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  process.once('SIGTERM', () => void cleanup().then(() => process.exit(143)));
  // solc-js rethrows unhandled rejections; whatever fails, the devnet goes first.
  const fail = (err: unknown) => {
    process.stderr.write(`bench:e2e failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    void cleanup().finally(() => process.exit(1));
  };
  process.prependListener('unhandledRejection', fail);
  process.prependListener('uncaughtException', fail);
  try {
    note(`e2e: starting a devnet (namespace ${ns}) with ${ACCOUNTS} load accounts`);
    devnet = await startDevnet({
      root, dir, ports: 'free', namespace: ns, natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      l1BlockTimeMs: 1000, l2ChainId: 1001, loadAccounts: ACCOUNTS, streamStorage: 'memory', log: (l) => note(`  ${l}`),
    });
    const rpcUrl = devnet.info.l2.rpcUrl;
    const accounts = loadAccounts(ACCOUNTS);
    const base: LoadOptions = {
      rpcUrl, chainId: 1001, accounts, erc20Share: 0, rate: 0, durationS: DURATION_S, maxInFlight: WINDOW, perAccount: 16, signer: 'native', gasPrice: GWEI,
      drainS: 120, waitVirtual: true, trackPollMs: 100, receiptSampleEvery: 100,
    };
    if (WARMUP_S > 0) {
      note(`e2e: ${WARMUP_S} s warm-up`);
      await runLoad({ ...base, durationS: WARMUP_S, waitVirtual: false, drainS: 60 });
    }
    const perAccount = (s: number) => Math.ceil((1500 * s) / ACCOUNTS) + 16;

    note(`e2e: ETH transfers, ${DURATION_S} s, window ${WINDOW} in flight`);
    const eth = await measured(devnet, 'eth', { ...base, presignPerAccount: perAccount(DURATION_S) });
    const ethFiles = writeReport(out, 'transfers', eth.report, `zkseq e2e: ETH transfers, ${DURATION_S} s, ${ACCOUNTS} senders, every service its own process`);
    note(summaryText(eth.report));
    printProfile('eth', eth.profile);
    figure('e2e.transfers_per_s', eth.report.ratesPerS.closed, 'tx/s');
    figure('e2e.transfers_p99_closed_ms', eth.report.latencyMs.closed.p99, 'ms');
    figure('e2e.transfers_p50_closed_ms', eth.report.latencyMs.closed.p50, 'ms');
    figure('e2e.transfers_p99_receipt_ms', eth.report.latencyMs.receipt.p99, 'ms');
    figure('e2e.transfers_p50_virtual_ms', eth.report.latencyMs.virtual?.p50 ?? null, 'ms');

    note('e2e: deploying an ERC-20 on L2 and minting to every sender');
    const provider = loadProvider(rpcUrl, 1001);
    const token = await deployToken(provider, devAccounts(1)[0].privateKey, accounts.map((a) => a.address), 10n ** 24n, GWEI).finally(() => provider.destroy());
    note(`e2e: ERC-20 transfers (token ${token.address}), ${ERC20_DURATION_S} s`);
    const erc20 = await measured(devnet, 'erc20', { ...base, erc20Share: 1, token: token.address, durationS: ERC20_DURATION_S, presignPerAccount: perAccount(ERC20_DURATION_S) });
    const ercFiles = writeReport(out, 'erc20', erc20.report, `zkseq e2e: ERC-20 transfers, ${ERC20_DURATION_S} s, ${ACCOUNTS} senders`);
    note(summaryText(erc20.report));
    printProfile('erc20', erc20.profile);
    figure('e2e.erc20_per_s', erc20.report.ratesPerS.closed, 'tx/s');
    figure('e2e.erc20_p99_closed_ms', erc20.report.latencyMs.closed.p99, 'ms');

    writeFileSync(join(out, 'profile.json'), `${JSON.stringify({ eth: eth.profile, erc20: erc20.profile }, null, 2)}\n`);
    note(`e2e: reports ${ethFiles.json}, ${ercFiles.json}; charts ${ethFiles.svg}, ${ercFiles.svg}`);
  } finally {
    await cleanup();
  }
  if (json) for (const f of figures) report(f.name, f.value, f.unit);
  else {
    const w = Math.max(4, ...figures.map((f) => f.name.length));
    process.stdout.write(`${'name'.padEnd(w)}  ${'value'.padStart(14)}  unit\n`);
    for (const f of figures) process.stdout.write(`${f.name.padEnd(w)}  ${(Math.round(f.value * 100) / 100).toLocaleString('en-US').padStart(14)}  ${f.unit}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:e2e failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
