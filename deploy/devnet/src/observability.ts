/**
 * The Prometheus scrape config of the devnet and the Grafana dashboard, generated from the service
 * list and the panel definitions below (`pnpm --filter @zkseq/devnet run generate` writes them to
 * deploy/observability/; a test checks the committed files equal the generated ones and that every
 * metric a panel queries is exported by the running services).
 */
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { SERVICES, type ServiceSpec } from './services';

export type Query = { expr: string; legend: string };
export type PanelDef = { title: string; description: string; unit: string; queries: Query[]; kind?: 'timeseries' | 'stat'; width?: number };
export type RowDef = { title: string; panels: PanelDef[] };

const q = (expr: string, legend: string): Query => ({ expr, legend });
const p99 = (metric: string, by = '', sel = '') => `histogram_quantile(0.99, sum by (le${by ? `, ${by}` : ''}) (rate(${metric}_bucket${sel}[5m])))`;
const p50 = (metric: string, by = '', sel = '') => `histogram_quantile(0.5, sum by (le${by ? `, ${by}` : ''}) (rate(${metric}_bucket${sel}[5m])))`;

export const DASHBOARD_ROWS: RowDef[] = [
  {
    title: 'Batches',
    panels: [
      {
        title: 'Transactions per second',
        description: 'Transactions written into L2 blocks by the sequencer (one per block at fork 6), and admitted by the pool.',
        unit: 'ops',
        queries: [q('sum(rate(sequencer_l2_blocks_total[1m]))', 'included (L2 blocks)'), q('sum(rate(pool_submissions_total{result="accepted"}[1m]))', 'accepted by the pool')],
      },
      {
        title: 'Batch closure rate by reason',
        description: 'Batches closed per minute, by what closed them (a resource near its limit, the time limit, a forced batch, ...).',
        unit: 'short',
        queries: [q('sum by (reason) (rate(sequencer_batches_closed_total[5m])) * 60', '{{reason}}')],
      },
      {
        title: 'Transactions per batch',
        description: 'Mean and median transactions in the batches closed over the last 5 minutes.',
        unit: 'short',
        queries: [q('sum(rate(sequencer_batch_txs_sum[5m])) / sum(rate(sequencer_batch_txs_count[5m]))', 'mean'), q(p50('sequencer_batch_txs'), 'median')],
      },
      {
        title: 'Counters used % (open batch)',
        description: 'Share of each ZK counter, gas, bytes and tx-count limit the open batch uses; it closes at 90 %.',
        unit: 'percent',
        queries: [q('max by (resource) (sequencer_open_batch_resource_used_percent)', '{{resource}}')],
      },
      {
        title: 'Counters used % at closure (p90)',
        description: '90th percentile of each resource\'s use in closed batches: which limit fills batches.',
        unit: 'percent',
        queries: [q('histogram_quantile(0.9, sum by (le, resource) (rate(sequencer_batch_resource_used_percent_bucket[5m])))', '{{resource}}')],
      },
      {
        title: 'Sequencer loop time split',
        description: 'Seconds per second the sequencing loop spends selecting, executing, persisting and idle; the persister runs concurrently.',
        unit: 'percentunit',
        queries: [q('sum by (phase) (rate(sequencer_time_seconds_total[1m]))', '{{phase}}'), q('sum(rate(sequencer_persister_busy_seconds_total[1m]))', 'persister busy')],
      },
    ],
  },
  {
    title: 'Pool and execution',
    panels: [
      {
        title: 'Pool size',
        description: 'Executable (pending) and gapped (queued) transactions in the pool DB.',
        unit: 'short',
        queries: [q('max(pool_pending_txs)', 'pending'), q('max(pool_queued_txs)', 'queued')],
      },
      {
        title: 'Pool admissions by result',
        description: 'Submissions per second by result (accepted or the error code).',
        unit: 'ops',
        queries: [q('sum by (result) (rate(pool_submissions_total[1m]))', '{{result}}')],
      },
      {
        title: 'Executor latency',
        description: 'ProcessBatch duration in the executor, and as the sequencer sees it (queueing and network included).',
        unit: 's',
        queries: [
          q(p50('executor_request_seconds', '', '{method="processBatch"}'), 'executor p50'),
          q(p99('executor_request_seconds', '', '{method="processBatch"}'), 'executor p99'),
          q(p99('sequencer_executor_call_seconds'), 'sequencer call p99'),
        ],
      },
      {
        title: 'HashDB calls per transaction',
        description: 'hashdb round trips of the executor per executed transaction (the design keeps it well below 1).',
        unit: 'short',
        queries: [q('sum(rate(executor_hashdb_calls_total[5m])) / sum(rate(executor_txs_total[5m]))', 'calls / tx')],
      },
      {
        title: 'HashDB latency (p99) by method',
        description: '99th percentile of hashdb gRPC calls by method.',
        unit: 's',
        queries: [q(p99('hashdb_grpc_latency_seconds', 'method'), '{{method}}')],
      },
      {
        title: 'Executor queue',
        description: 'Requests waiting for an executor slot, and requests refused as overloaded.',
        unit: 'short',
        queries: [q('sum(executor_queue_length)', 'queued'), q('sum(rate(executor_rejected_total[5m]))', 'refused / s')],
      },
    ],
  },
  {
    title: 'L1: sequencing and virtualisation',
    panels: [
      {
        title: 'Closed → sequenced → virtual lag',
        description: 'Closed batches not yet handed to L1, batches on L1 not yet virtual, and the age of the oldest unsent closed batch.',
        unit: 'short',
        queries: [
          q('max(seqsender_closed_not_sequenced_batches)', 'closed, not sequenced'),
          q('max(sync_sequenced_not_virtual_batches)', 'sequenced, not virtual'),
          q('max(seqsender_oldest_unsent_age_seconds)', 'oldest unsent (s)'),
        ],
      },
      {
        title: 'Closed → virtual latency',
        description: 'Time from a batch closing to the synchronizer marking it virtual.',
        unit: 's',
        queries: [q(p50('sync_virtualization_latency_seconds'), 'p50'), q(p99('sync_virtualization_latency_seconds'), 'p99')],
      },
      {
        title: 'Batch numbers',
        description: 'The open batch, and the last virtual batch.',
        unit: 'none',
        queries: [q('max(sequencer_batch_number)', 'open (sequencer)'), q('max(sync_last_virtual_batch)', 'last virtual')],
      },
      {
        title: 'eth-tx-manager: in flight and replacements',
        description: 'L1 transactions holding a nonce, fee-bump replacements per minute, failures per minute by reason.',
        unit: 'short',
        queries: [
          q('sum(ethtxman_in_flight)', 'in flight'),
          q('sum(rate(ethtxman_replacements_total[5m])) * 60', 'replacements / min'),
          q('sum by (reason) (rate(ethtxman_failures_total[5m])) * 60', 'failures / min: {{reason}}'),
        ],
      },
      {
        title: 'Halted',
        description: '1 while L1 disagrees with the trusted state and sequencing is stopped.',
        unit: 'none',
        kind: 'stat',
        queries: [q('max(sync_halted)', 'halted')],
      },
      {
        title: 'CPU by service',
        description: 'CPU seconds per second of every service process.',
        unit: 'percentunit',
        queries: [q('sum by (service) (rate(process_cpu_seconds_total[1m]))', '{{service}}')],
      },
    ],
  },
];

const DS = { type: 'prometheus', uid: '${datasource}' };

/** Grafana dashboard JSON (schema 39): a datasource variable, three rows of panels, two per line. */
export function grafanaDashboard(): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of DASHBOARD_ROWS) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    row.panels.forEach((pd, i) => {
      const w = 12;
      const x = (i % 2) * w;
      if (i > 0 && i % 2 === 0) y += 8;
      panels.push({
        id: id++,
        type: pd.kind ?? 'timeseries',
        title: pd.title,
        description: pd.description,
        datasource: DS,
        gridPos: { h: 8, w, x, y },
        fieldConfig: { defaults: { unit: pd.unit, ...(pd.kind === 'stat' ? {} : { custom: { lineWidth: 1, fillOpacity: 10, showPoints: 'never' } }) }, overrides: [] },
        options: pd.kind === 'stat'
          ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'none' }
          : { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } },
        targets: pd.queries.map((qq, k) => ({ refId: String.fromCharCode(65 + k), datasource: DS, expr: qq.expr, legendFormat: qq.legend, range: true })),
      });
    });
    y += 8;
  }
  return {
    title: 'zkseq: sequencing pipeline',
    uid: 'zkseq-pipeline',
    description: 'Batch closure, pool, execution and L1 progress of a zkseq deployment (generated by deploy/devnet/src/observability.ts).',
    tags: ['zkseq'],
    editable: true,
    graphTooltip: 1,
    refresh: '10s',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-30m', to: 'now' },
    timezone: '',
    templating: { list: [{ name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0, refresh: 1, regex: '', options: [] }] },
    annotations: { list: [] },
    links: [],
    panels,
  };
}

/** Every PromQL expression of the dashboard. */
export const dashboardExprs = (): string[] => DASHBOARD_ROWS.flatMap((r) => r.panels.flatMap((p) => p.queries.map((x) => x.expr)));

const PROMQL_WORDS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset',
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'histogram_quantile', 'abs', 'ceil', 'floor', 'round', 'clamp_min', 'clamp_max',
  'avg_over_time', 'max_over_time', 'min_over_time', 'sum_over_time', 'last_over_time', 'vector', 'scalar', 'time', 'label_replace',
]);

/**
 * The metric names a PromQL expression reads (label matchers, grouping labels, strings, ranges
 * and function names removed). Histogram series keep their `_bucket`/`_sum`/`_count` suffix.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const out = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const after = stripped.slice(m.index! + word.length).trimStart();
    if (PROMQL_WORDS.has(word) || after.startsWith('(')) continue;
    out.add(word);
  }
  return [...out];
}

/**
 * Whether a Prometheus text exposition declares `name` (a `# TYPE` line for it, or for the
 * histogram/summary it is a series of). Declarations count even before a first sample, so a
 * labelled counter nothing incremented yet still counts as exported.
 */
export function exposes(text: string, name: string): boolean {
  const families = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^# TYPE (\S+) (\S+)/.exec(line);
    if (m) families.set(m[1], m[2]);
  }
  if (families.has(name)) return true;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  const type = families.get(base);
  return base !== name && (type === 'histogram' || (type === 'summary' && !name.endsWith('_bucket')));
}

/** A Prometheus scrape config with one job per service; `target(name)` is its host:port. */
export function prometheusConfig(target: (s: ServiceSpec) => string, comment: string): string {
  const config = {
    global: { scrape_interval: '5s', evaluation_interval: '5s' },
    scrape_configs: SERVICES.map((s) => ({ job_name: `zkseq-${s.name}`, static_configs: [{ targets: [target(s)] }] })),
  };
  return `# ${comment}\n# Generated by deploy/devnet/src/observability.ts from the service list. Every series also\n# carries a "service" label set by the service itself.\n${stringify(config)}`;
}

/** Grafana provisioning: the Prometheus datasource (compose) and the dashboards folder. */
export function grafanaProvisioning(): { datasource: string; dashboards: string } {
  return {
    datasource: `# Generated by deploy/devnet/src/observability.ts.\n${stringify({ apiVersion: 1, datasources: [{ name: 'Prometheus', type: 'prometheus', access: 'proxy', url: 'http://prometheus:9090', isDefault: true }] })}`,
    dashboards: `# Generated by deploy/devnet/src/observability.ts.\n${stringify({ apiVersion: 1, providers: [{ name: 'zkseq', folder: 'zkseq', type: 'file', options: { path: '/var/lib/grafana/dashboards' } }] })}`,
  };
}

/** job name → targets of a Prometheus config file. */
export function prometheusJobs(file: string): Record<string, string[]> {
  const cfg = parse(readFileSync(file, 'utf8')) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
  return Object.fromEntries(cfg.scrape_configs.map((j) => [j.job_name, j.static_configs.flatMap((c) => c.targets)]));
}
