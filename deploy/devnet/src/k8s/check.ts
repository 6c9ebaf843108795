/**
 * `pnpm --filter @zkseq/devnet run k8s:check`: renders k8s/base and every overlay with the
 * built-in renderer, validates them (schemas, types, references), and when kubectl is installed
 * compares each rendering with `kubectl kustomize`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { L1_KEY_SECRET, NETWORK_CONFIGMAP } from './base';
import { renderKustomization, resourceId, type Doc } from './kustomize';
import { validateManifests, type External, type Finding } from './validate';

/** Created per deployment outside git (k8s/README.md). */
export const EXTERNAL: External = { configMaps: [NETWORK_CONFIGMAP], secrets: [L1_KEY_SECRET] };

export const k8sDir = (root: string) => join(root, 'k8s');

/** k8s/base and k8s/overlays/* (relative names). */
export function kustomizations(root: string): string[] {
  return ['base', ...readdirSync(join(k8sDir(root), 'overlays')).sort().map((o) => `overlays/${o}`)];
}

export function kubectlAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

/** Every leaf as a string: kubectl prints some strings unquoted that a YAML 1.2 reader takes for numbers. */
export function scalarsAsStrings(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(scalarsAsStrings);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scalarsAsStrings(x)]));
  return String(v);
}

/** Differences between this renderer's output and `kubectl kustomize` for one kustomization. */
export function kubectlDifferences(dir: string, docs: Doc[]): string[] {
  const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  const theirs = new Map(parseAllDocuments(text, { schema: 'failsafe' }).map((d) => d.toJS() as Doc).map((d) => [resourceId(d), d]));
  const mine = new Map(docs.map((d) => [resourceId(d), scalarsAsStrings(d)]));
  const out: string[] = [];
  for (const id of new Set([...mine.keys(), ...theirs.keys()])) {
    if (!theirs.has(id)) out.push(`${id}: only in this renderer's output`);
    else if (!mine.has(id)) out.push(`${id}: only in kubectl's output`);
    else if (!isDeepStrictEqual(mine.get(id), theirs.get(id))) out.push(`${id}: differs`);
  }
  return out;
}

if (require.main === module) {
  const root = resolve(__dirname, '../../../..');
  const kubectl = kubectlAvailable();
  let bad = 0;
  for (const k of kustomizations(root)) {
    const dir = join(k8sDir(root), k);
    const docs = renderKustomization(dir);
    const findings: Finding[] = validateManifests(docs, EXTERNAL);
    const diffs = kubectl ? kubectlDifferences(dir, docs) : [];
    bad += findings.length + diffs.length;
    process.stdout.write(`k8s/${k}: ${docs.length} resources, ${findings.length} findings${kubectl ? `, ${diffs.length} differences from kubectl kustomize` : ' (kubectl not installed: no cross-check)'}\n`);
    for (const f of findings) process.stdout.write(`  [${f.check}] ${f.resource}: ${f.message}\n`);
    for (const d of diffs) process.stdout.write(`  [kubectl] ${d}\n`);
  }
  process.exit(bad === 0 ? 0 : 1);
}
