import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChart } from './chart';
import type { LoadReport } from './generator';
import type { LatencySummary } from './stats';

/** The report's chart: throughput (submitted, accepted, included, closed per second) and latency over time. */
export function reportChart(r: LoadReport, title: string): string {
  const pts = (pick: (p: LoadReport['series'][number]) => number | null) => r.series.map((p) => [p.t + 0.5, pick(p)] as [number, number | null]);
  // Batches land 300 transactions at a time: rates are shown as 5-second moving averages.
  const avg = (pick: (p: LoadReport['series'][number]) => number) =>
    r.series.map((p, i) => {
      const win = r.series.slice(Math.max(0, i - 2), i + 3);
      return [p.t + 0.5, win.reduce((a, q) => a + pick(q), 0) / win.length] as [number, number | null];
    });
  const seconds = (v: number | null) => (v === null ? null : v / 1000);
  return renderChart(title, [
    {
      title: 'Throughput (5 s moving average)',
      unit: 'transactions / s',
      lines: [
        { name: 'submitted', color: '#9e9e9e', points: avg((p) => p.submitted) },
        { name: 'accepted', color: '#1f77b4', points: avg((p) => p.accepted) },
        { name: 'included', color: '#2ca02c', points: avg((p) => p.included) },
        { name: 'in closed batch', color: '#d62728', points: avg((p) => p.closed) },
      ],
    },
    {
      title: 'Latency from submission (by the second it was reached)',
      unit: 'seconds',
      lines: [
        { name: 'receipt p50', color: '#2ca02c', points: pts((p) => seconds(p.receiptP50)) },
        { name: 'receipt p99', color: '#98df8a', points: pts((p) => seconds(p.receiptP99)) },
        { name: 'closed p50', color: '#d62728', points: pts((p) => seconds(p.closedP50)) },
        { name: 'closed p99', color: '#ff9896', points: pts((p) => seconds(p.closedP99)) },
      ],
    },
  ]);
}

/** Writes `<name>.json` and `<name>.svg` into `dir`; returns both paths. */
export function writeReport(dir: string, name: string, r: LoadReport, title: string): { json: string; svg: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const svg = join(dir, `${name}.svg`);
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(svg, reportChart(r, title));
  return { json, svg };
}

const ms = (v: number | null) => (v === null ? '∞' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v} ms`);
const lat = (l: LatencySummary) => `p50 ${ms(l.p50)}  p90 ${ms(l.p90)}  p99 ${ms(l.p99)}  max ${ms(l.max)}${l.missing ? `  (${l.missing} never reached)` : ''}`;

/** A few lines for a terminal. */
export function summaryText(r: LoadReport): string {
  const lines = [
    `window ${r.windowS.toFixed(1)} s, ${r.config.accounts} senders, ${Math.round((1 - r.config.erc20Share) * 100)}% ETH / ${Math.round(r.config.erc20Share * 100)}% ERC-20, ${r.config.rate > 0 ? `target ${r.config.rate} tx/s` : `as fast as possible (window ${r.config.maxInFlight} in flight)`}`,
    `submitted ${r.totals.submitted}, accepted ${r.totals.accepted}, rejected ${r.totals.rejected}, included ${r.totals.included}, in closed batches ${r.totals.closed}, virtual ${r.totals.virtual}${r.totals.afterWindow ? ` (+${r.totals.afterWindow} unmeasured after the window to keep the load up)` : ''}`,
    `rates (per second of the window): accepted ${r.ratesPerS.accepted.toFixed(1)}, included ${r.ratesPerS.included.toFixed(1)}, in closed batches ${r.ratesPerS.closed.toFixed(1)}`,
    `submit→receipt  ${lat(r.latencyMs.receipt)}`,
    `submit→closed   ${lat(r.latencyMs.closed)}`,
  ];
  if (r.latencyMs.virtual) lines.push(`submit→virtual  ${lat(r.latencyMs.virtual)}`);
  const errs = Object.entries(r.errors);
  lines.push(errs.length ? `errors: ${errs.map(([k, v]) => `${k} ×${v}`).join(', ')}` : 'errors: none');
  lines.push(`receipts checked: ${r.receiptsChecked.ok} status 1, ${r.receiptsChecked.failed} failed, ${r.receiptsChecked.missing} missing`);
  return lines.join('\n');
}
