// Observability against the real services: every service of a devnet (free ports, own namespace)
// is scraped, and every metric a Grafana panel queries must be exported by one of them; the
// Prometheus configs scrape every service; /ready stays 503 while a service is still starting.
// Where Debian's promtool is installed, every panel expression also passes its PromQL parser.
// `pnpm load` runs against the same devnet.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startDevnet, type Devnet } from '../deploy/devnet/src/devnet';
import { dashboardExprs, exposes, grafanaDashboard, metricNames, prometheusJobs } from '../deploy/devnet/src/observability';
import { SERVICES } from '../deploy/devnet/src/services';
import type { LoadReport } from '../deploy/load/src/generator';

jest.setTimeout(240_000);

const root = join(__dirname, '..');

describe('the dashboard and the running services', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkseq-ops-'));
  let devnet: Devnet | undefined;
  const scraped: Record<string, string> = {};

  beforeAll(async () => {
    devnet = await startDevnet({
      root, dir, ports: 'free', namespace: `t${randomBytes(5).toString('hex')}`, natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', l1BlockTimeMs: 1000, l2ChainId: 1001, loadAccounts: 2, streamStorage: 'memory',
    });
    for (const s of SERVICES) scraped[s.name] = await (await fetch(devnet.info.services[s.name].metricsUrl)).text();
  });

  afterAll(async () => {
    await devnet?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports every metric a panel queries', () => {
    const exprs = dashboardExprs();
    expect(exprs.length).toBeGreaterThanOrEqual(20);
    const missing: string[] = [];
    for (const expr of exprs) {
      const names = metricNames(expr);
      expect(names.length).toBeGreaterThan(0);
      for (const n of names) if (!Object.values(scraped).some((text) => exposes(text, n))) missing.push(`${n} (in ${expr})`);
    }
    expect(missing).toEqual([]);
    // The check can fail: a name no service exports is found missing.
    expect(Object.values(scraped).some((t) => exposes(t, 'sequencer_batches_closed_totl'))).toBe(false);
    expect(Object.values(scraped).some((t) => exposes(t, 'sequencer_batch_txs_bucket'))).toBe(true);
  });

  it('covers the issue\'s panels', () => {
    const titles = (grafanaDashboard().panels as { title: string; type: string }[]).filter((p) => p.type !== 'row').map((p) => p.title);
    for (const t of ['Batch closure rate by reason', 'Transactions per batch', 'Counters used % (open batch)', 'Pool size', 'Executor latency', 'HashDB calls per transaction', 'Closed → sequenced → virtual lag', 'eth-tx-manager: in flight and replacements']) {
      expect(titles).toContain(t);
    }
  });

  it('has Prometheus jobs for every service', () => {
    for (const [file, target] of [['devnet.yml', (s: (typeof SERVICES)[number]) => `127.0.0.1:${s.ports.metrics}`], ['compose.yml', (s: (typeof SERVICES)[number]) => `${s.name}:${s.ports.metrics}`]] as const) {
      const jobs = prometheusJobs(join(root, 'deploy/observability/prometheus', file));
      for (const s of SERVICES) expect(jobs[`zkseq-${s.name}`]).toEqual([target(s)]);
    }
  });

  (spawnSync('promtool', ['--version']).status === 0 ? it : it.skip)('parses with promtool (panel expressions, scrape configs)', () => {
    const rules = join(dir, 'rules.yml');
    writeFileSync(rules, JSON.stringify({ groups: [{ name: 'dashboard', rules: dashboardExprs().map((expr, i) => ({ record: `zkseq:panel_${i}`, expr })) }] }));
    const res = spawnSync('promtool', ['check', 'rules', rules], { encoding: 'utf8' });
    expect(res.stdout + res.stderr).toContain('SUCCESS');
    expect(res.status).toBe(0);
    for (const file of ['devnet.yml', 'compose.yml']) {
      const cfg = spawnSync('promtool', ['check', 'config', join(root, 'deploy/observability/prometheus', file)], { encoding: 'utf8' });
      expect(cfg.status).toBe(0);
    }
  });

  it('pnpm load: ETH and ERC-20 transfers through ethers, followed to closed batches, with a report and a chart', () => {
    const out = join(dir, 'load');
    const res = spawnSync(process.execPath, [join(root, 'deploy/load/dist/cli.js'), '--devnet-dir', dir, '--duration', '4', '--erc20', '0.5', '--accounts', '2', '--max-in-flight', '20', '--no-virtual', '--drain', '90', '--out', out], { cwd: root, encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const files = readdirSync(out);
    const report = JSON.parse(readFileSync(join(out, files.find((f) => f.endsWith('.json'))!), 'utf8')) as LoadReport;
    expect(report.totals.submitted).toBeGreaterThan(0);
    expect(report.totals).toMatchObject({ rejected: 0, notIncluded: 0, notClosed: 0, accepted: report.totals.submitted, closed: report.totals.submitted });
    expect(report.byKind.eth.closed).toBeGreaterThan(0);
    expect(report.byKind.erc20.closed).toBeGreaterThan(0);
    expect(report.latencyMs.closed.p99).not.toBeNull();
    expect(report.receiptsChecked.failed).toBe(0);
    expect(report.errors).toEqual({});
    expect(readFileSync(join(out, files.find((f) => f.endsWith('.svg'))!), 'utf8')).toMatch(/^<svg[^>]*>[\s\S]*polyline[\s\S]*<\/svg>\n$/);
    expect(res.stdout).toContain('submit→closed');
  });

  it('extracts metric names from PromQL', () => {
    expect(metricNames('sum by (reason) (rate(sequencer_batches_closed_total{service="x"}[5m])) * 60')).toEqual(['sequencer_batches_closed_total']);
    expect(metricNames('histogram_quantile(0.99, sum by (le, method) (rate(hashdb_grpc_latency_seconds_bucket[5m])))')).toEqual(['hashdb_grpc_latency_seconds_bucket']);
    expect(metricNames('sum(rate(a_total[5m])) / sum(rate(b_total[5m]))')).toEqual(['a_total', 'b_total']);
  });
});

describe('readiness', () => {
  it('answers 503 until a service has started, then 200', async () => {
    const gate = join(mkdtempSync(join(tmpdir(), 'zkseq-ready-')), 'go');
    // A service whose start waits for a file: the ops endpoints are up before it finishes.
    const script = `
      const { existsSync } = require('node:fs');
      const { runService } = require(${JSON.stringify(join(root, 'libs/service/dist'))});
      const { z } = require(${JSON.stringify(require.resolve('zod', { paths: [join(root, 'libs/service')] }))});
      void runService({ name: 'gate', config: z.object({}), async start() {
        while (!existsSync(${JSON.stringify(gate)})) await new Promise((r) => setTimeout(r, 20));
      } });`;
    const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, METRICS_PORT: '0', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! });
    const waitMsg = (msg: string) => new Promise<Record<string, unknown>>((resolve) => lines.on('line', (l) => {
      const j = JSON.parse(l) as Record<string, unknown>;
      if (j.msg === msg) resolve(j);
    }));
    try {
      const listening = waitMsg('ops endpoints listening');
      const started = waitMsg('started');
      const port = (await listening).metricsPort as number;
      const before = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(before.status).toBe(503);
      expect(await before.json()).toEqual({ ready: false, failing: ['started'] });
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      writeFileSync(gate, '');
      await started;
      expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      if (existsSync(gate)) rmSync(join(gate, '..'), { recursive: true, force: true });
    }
  });
});
