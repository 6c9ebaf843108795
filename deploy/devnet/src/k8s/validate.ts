/**
 * Checks rendered Kubernetes resources without a cluster, three ways:
 *  1. schemas: the OpenAPI-derived validators of `kubernetes-models` (and
 *     `@kubernetes-models/prometheus-operator` for the ServiceMonitor): required fields, types,
 *     formats, enums;
 *  2. types: each resource as a typed object literal (`kubernetes-types`, generated from the same
 *     OpenAPI spec) through the TypeScript compiler, whose excess-property check refuses unknown
 *     or misspelt fields, which the OpenAPI schemas allow;
 *  3. references: ConfigMaps, Secrets, Services' selectors, probe and ServiceMonitor ports,
 *     autoscaler and disruption-budget targets resolve within the rendered set (or to the
 *     resources documented as created outside git).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as ts from 'typescript';
import type { Doc } from './kustomize';
import { resourceId } from './kustomize';

export type Finding = { resource: string; check: 'schema' | 'types' | 'references'; message: string };

const pkgDir = join(__dirname, '..', '..');

/** 1. OpenAPI schema validation (kubernetes-models is ESM only: it runs in a child process). */
export function schemaFindings(docs: Doc[]): Finding[] {
  const out = execFileSync(process.execPath, [join(pkgDir, 'scripts', 'k8s-validate.mjs')], { input: JSON.stringify(docs), encoding: 'utf8', maxBuffer: 64 << 20 });
  return (JSON.parse(out) as { resource: string; message: string }[]).map((f) => ({ ...f, check: 'schema' }));
}

function typeRef(d: Doc): { module: string; type: string } | null {
  if (d.apiVersion === 'monitoring.coreos.com/v1') return { module: `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${d.kind}`, type: `I${d.kind}` };
  const [group, version] = d.apiVersion.includes('/') ? d.apiVersion.split('/') : ['core', d.apiVersion];
  if (!/^[a-z0-9]+$/.test(group)) return null;
  return { module: `kubernetes-types/${group}/${version}.js`, type: d.kind };
}

/** 2. Every resource as `const rN: Kind = {...}` compiled with strict TypeScript. */
export function typeFindings(docs: Doc[]): Finding[] {
  const file = join(pkgDir, '__k8s_manifests__.mts');
  const modules = new Map<string, string>();
  const lines: string[] = [];
  const spans: { start: number; end: number; doc: Doc }[] = [];
  const findings: Finding[] = [];
  let body = '';
  docs.forEach((d, i) => {
    const ref = typeRef(d);
    if (!ref) {
      findings.push({ resource: resourceId(d), check: 'types', message: `no type for ${d.apiVersion} ${d.kind}` });
      return;
    }
    let alias = modules.get(ref.module);
    if (!alias) modules.set(ref.module, (alias = `m${modules.size}`));
    const stmt = `export const r${i}: ${alias}.${ref.type} = ${JSON.stringify(d, null, 1)};\n`;
    spans.push({ start: body.length, end: body.length + stmt.length, doc: d });
    body += stmt;
  });
  for (const [module, alias] of modules) lines.push(`import type * as ${alias} from ${JSON.stringify(module)};`);
  const header = `${lines.join('\n')}\n`;
  const source = header + body;
  const options: ts.CompilerOptions = { strict: true, noEmit: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) => (name === file ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, onError, create));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === file ? source : readFile(name));
  const program = ts.createProgram([file], options, host);
  for (const diag of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diag.messageText, '\n');
    const pos = (diag.start ?? 0) - header.length;
    const span = diag.file?.fileName === file ? spans.find((s) => pos >= s.start && pos < s.end) : undefined;
    findings.push({ resource: span ? resourceId(span.doc) : '(types)', check: 'types', message });
  }
  return findings;
}

type Container = { name: string; ports?: { name?: string }[]; env?: { valueFrom?: { configMapKeyRef?: { name: string; key: string }; secretKeyRef?: { name: string; key: string } } }[]; readinessProbe?: Probe; livenessProbe?: Probe; startupProbe?: Probe };
type Probe = { httpGet?: { port: string | number }; tcpSocket?: { port: string | number } };
type PodTemplate = { metadata?: { labels?: Record<string, string> }; spec: { containers: Container[]; volumes?: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[] } };

export type External = { configMaps: string[]; secrets: string[] };

const podTemplate = (d: Doc): PodTemplate | null => ((d.spec as { template?: PodTemplate } | undefined)?.template ?? null);
const subset = (sel: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(sel).every(([k, v]) => labels[k] === v);

/** 3. Cross-resource references. */
export function referenceFindings(docs: Doc[], external: External): Finding[] {
  const findings: Finding[] = [];
  const add = (d: Doc, message: string) => findings.push({ resource: resourceId(d), check: 'references', message });
  const byKind = (kind: string) => docs.filter((d) => d.kind === kind);
  const configMaps = new Map(byKind('ConfigMap').map((d) => [d.metadata.name, d]));
  const secrets = new Set([...byKind('Secret').map((d) => d.metadata.name), ...external.secrets]);
  const workloads = docs.filter((d) => podTemplate(d) !== null);
  for (const w of workloads) {
    const t = podTemplate(w)!;
    for (const v of t.spec.volumes ?? []) {
      if (v.configMap && !configMaps.has(v.configMap.name) && !external.configMaps.includes(v.configMap.name)) add(w, `volume ${v.name}: ConfigMap ${v.configMap.name} is neither rendered nor documented as external`);
      if (v.secret && !secrets.has(v.secret.secretName)) add(w, `volume ${v.name}: Secret ${v.secret.secretName} is neither rendered nor documented as external`);
    }
    for (const c of t.spec.containers) {
      const portNames = new Set((c.ports ?? []).map((p) => p.name));
      for (const [what, probe] of [['readiness', c.readinessProbe], ['liveness', c.livenessProbe], ['startup', c.startupProbe]] as const) {
        const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
        if (what !== 'startup' && !probe) add(w, `container ${c.name} has no ${what} probe`);
        if (typeof port === 'string' && !portNames.has(port)) add(w, `container ${c.name}: ${what} probe names port ${port}, which it does not declare`);
      }
      for (const e of c.env ?? []) {
        const cm = e.valueFrom?.configMapKeyRef;
        if (cm) {
          const data = configMaps.get(cm.name)?.data as Record<string, string> | undefined;
          if (!data && !external.configMaps.includes(cm.name)) add(w, `env from ConfigMap ${cm.name}, which is not rendered`);
          else if (data && !(cm.key in data)) add(w, `env from ConfigMap ${cm.name} key ${cm.key}, which it does not have`);
        }
        const sk = e.valueFrom?.secretKeyRef;
        if (sk && !secrets.has(sk.name)) add(w, `env from Secret ${sk.name}, which is neither rendered nor external`);
      }
    }
  }
  for (const s of byKind('Service')) {
    const spec = s.spec as { selector?: Record<string, string>; ports: { name: string; targetPort?: string | number }[] };
    const targets = workloads.filter((w) => spec.selector && subset(spec.selector, podTemplate(w)!.metadata?.labels));
    if (targets.length === 0) add(s, 'selects no workload');
    for (const p of spec.ports) {
      if (typeof p.targetPort !== 'string') continue;
      if (!targets.some((w) => podTemplate(w)!.spec.containers.some((c) => (c.ports ?? []).some((cp) => cp.name === p.targetPort)))) add(s, `port ${p.name}: no selected container declares port ${p.targetPort}`);
    }
  }
  for (const h of byKind('HorizontalPodAutoscaler')) {
    const ref = (h.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef;
    if (!docs.some((d) => d.kind === ref.kind && d.metadata.name === ref.name)) add(h, `scales ${ref.kind} ${ref.name}, which is not rendered`);
  }
  for (const p of byKind('PodDisruptionBudget')) {
    const sel = (p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
    if (!workloads.some((w) => subset(sel, podTemplate(w)!.metadata?.labels))) add(p, 'selects no workload');
  }
  for (const m of byKind('ServiceMonitor')) {
    const spec = m.spec as { selector: { matchLabels: Record<string, string> }; endpoints: { port: string }[] };
    const services = byKind('Service').filter((s) => subset(spec.selector.matchLabels, s.metadata.labels));
    if (services.length === 0) add(m, 'selects no Service');
    for (const e of spec.endpoints) {
      const missing = services.filter((s) => !(s.spec as { ports: { name: string }[] }).ports.some((p) => p.name === e.port));
      if (missing.length > 0) add(m, `endpoint port ${e.port} is missing on ${missing.map((s) => s.metadata.name).join(', ')}`);
    }
  }
  return findings;
}

export function validateManifests(docs: Doc[], external: External): Finding[] {
  return [...schemaFindings(docs), ...typeFindings(docs), ...referenceFindings(docs, external)];
}
