/** A small SVG line chart: stacked panels sharing the x axis (seconds). No dependencies. */

export type Line = { name: string; color: string; points: [number, number | null][] };
export type Panel = { title: string; unit: string; lines: Line[] };

const W = 900;
const PANEL_H = 240;
const M = { left: 64, right: 170, top: 34, bottom: 34 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** 1, 2 or 5 × 10^k at or above `x`: round axis steps. */
export function niceStep(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

function fmt(v: number): string {
  if (Math.abs(v) >= 1000) return `${(v / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })}k`;
  return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function panel(p: Panel, y0: number, xMax: number): string {
  const w = W - M.left - M.right;
  const h = PANEL_H - M.top - M.bottom;
  const values = p.lines.flatMap((l) => l.points.map(([, v]) => v).filter((v): v is number => v !== null && Number.isFinite(v)));
  const yStep = niceStep(Math.max(...values, 1) / 5);
  const yMax = yStep * Math.max(1, Math.ceil(Math.max(...values, 1) / yStep));
  const xStep = niceStep(xMax / 10);
  const sx = (x: number) => M.left + (x / xMax) * w;
  const sy = (y: number) => y0 + M.top + h - (y / yMax) * h;
  const out: string[] = [];
  out.push(`<text x="${M.left}" y="${y0 + 20}" font-size="14" font-weight="bold">${esc(p.title)}</text>`);
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    out.push(`<line x1="${M.left}" x2="${M.left + w}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${M.left - 6}" y="${(sy(y) + 4).toFixed(1)}" font-size="11" text-anchor="end">${fmt(y)}</text>`);
  }
  for (let x = 0; x <= xMax + 1e-9; x += xStep) {
    out.push(`<text x="${sx(x).toFixed(1)}" y="${y0 + M.top + h + 16}" font-size="11" text-anchor="middle">${fmt(x)}</text>`);
  }
  out.push(`<text x="${M.left + w / 2}" y="${y0 + PANEL_H - 2}" font-size="11" text-anchor="middle">seconds</text>`);
  out.push(`<text x="14" y="${y0 + M.top + h / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 14 ${y0 + M.top + h / 2})">${esc(p.unit)}</text>`);
  out.push(`<rect x="${M.left}" y="${y0 + M.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  p.lines.forEach((l, i) => {
    // A gap (null) breaks the line instead of drawing through it.
    const segments: string[][] = [[]];
    for (const [x, v] of l.points) {
      if (v === null || !Number.isFinite(v)) {
        if (segments[segments.length - 1].length > 0) segments.push([]);
        continue;
      }
      segments[segments.length - 1].push(`${sx(x).toFixed(1)},${sy(v).toFixed(1)}`);
    }
    for (const seg of segments) {
      if (seg.length === 1) out.push(`<circle cx="${seg[0].split(',')[0]}" cy="${seg[0].split(',')[1]}" r="2" fill="${l.color}"/>`);
      else if (seg.length > 1) out.push(`<polyline fill="none" stroke="${l.color}" stroke-width="1.6" points="${seg.join(' ')}"/>`);
    }
    const ly = y0 + M.top + 8 + i * 18;
    out.push(`<line x1="${W - M.right + 12}" x2="${W - M.right + 32}" y1="${ly}" y2="${ly}" stroke="${l.color}" stroke-width="3"/>`);
    out.push(`<text x="${W - M.right + 38}" y="${ly + 4}" font-size="12">${esc(l.name)}</text>`);
  });
  return out.join('\n');
}

/** The whole chart: a title and the panels one below the other. */
export function renderChart(title: string, panels: Panel[]): string {
  const xMax = Math.max(1, ...panels.flatMap((p) => p.lines.flatMap((l) => l.points.map(([x]) => x))));
  const height = 30 + panels.length * PANEL_H;
  const body = panels.map((p, i) => panel(p, 30 + i * PANEL_H, xMax)).join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif">`,
    `<rect width="${W}" height="${height}" fill="white"/>`,
    `<text x="${W / 2}" y="20" font-size="15" text-anchor="middle">${esc(title)}</text>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}
