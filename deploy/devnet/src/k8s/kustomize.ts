/**
 * Renders the subset of Kustomize that k8s/ uses, without kubectl: `resources` (files and
 * directories with a kustomization.yaml), `namespace`, `labels` (metadata labels only),
 * `images`, `replicas`, and `patches` (strategic merge or JSON 6902, from a file or inline, with
 * or without a target). Anything else in a kustomization is refused, so the subset cannot grow by
 * accident. Transformers run in kustomize's order: patches, namespace, labels, replicas, images.
 * The k8s test renders every overlay here and, where kubectl is installed, compares the output
 * with `kubectl kustomize`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: unknown };
type Target = { group?: string; version?: string; kind?: string; name?: string };
type Patch = { path?: string; patch?: string; target?: Target };
type Kustomization = {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  namespace?: string;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: Patch[];
};

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'replicas', 'patches']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass']);
const SCALABLE = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

// JSON copies: the data is JSON, and structuredClone would hand back objects of another realm under jest.
const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readYamlDocs(file: string): Doc[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const out: Doc[] = [];
  for (const d of docs) {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0].message}`);
    const v = d.toJS() as Doc | null;
    if (v === null) continue;
    if (!v.apiVersion || !v.kind || !v.metadata?.name) throw new Error(`${file}: a resource needs apiVersion, kind and metadata.name`);
    out.push(v);
  }
  return out;
}

function kustomizationFile(dir: string): string {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) if (existsSync(join(dir, name))) return join(dir, name);
  throw new Error(`${dir}: no kustomization.yaml`);
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const versionOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion);

function matches(d: Doc, t: Target): boolean {
  return (t.kind === undefined || d.kind === t.kind) && (t.name === undefined || d.metadata.name === t.name)
    && (t.group === undefined || groupOf(d.apiVersion) === t.group) && (t.version === undefined || versionOf(d.apiVersion) === t.version);
}

/** Merge keys of the lists the strategic merge patches here touch (from the Kubernetes API's patchMergeKey). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
};

/** A strategic merge patch over the fields this repository patches; `$patch` directives are refused. */
export function strategicMerge(base: unknown, patch: unknown, field = ''): unknown {
  if (isObject(patch) && isObject(base)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(patch)) {
      if (k.startsWith('$')) throw new Error(`strategic merge directive ${k} is not supported`);
      if (v === null) delete out[k];
      else out[k] = k in base ? strategicMerge(base[k], v, k) : clone(v);
    }
    return out;
  }
  if (Array.isArray(patch) && Array.isArray(base)) {
    const key = field === 'ports' ? (base.some((p) => isObject(p) && 'containerPort' in p) ? 'containerPort' : 'port') : MERGE_KEYS[field];
    if (!key) return clone(patch);
    const out = base.map((x) => clone(x) as unknown);
    const added: unknown[] = [];
    for (const item of patch) {
      if (!isObject(item) || item[key] === undefined) throw new Error(`list ${field}: every patch item needs its merge key ${key}`);
      const i = out.findIndex((x) => isObject(x) && x[key] === item[key]);
      if (i >= 0) out[i] = strategicMerge(out[i], item, field);
      else added.push(clone(item));
    }
    // kustomize puts items the base does not have first, in patch order.
    return [...added, ...out];
  }
  return clone(patch);
}

type Op = { op: 'add' | 'remove' | 'replace' | 'test'; path: string; value?: unknown };

function pointer(path: string): string[] {
  if (!path.startsWith('/')) throw new Error(`JSON pointer ${path} must start with /`);
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** RFC 6902 add / remove / replace / test. */
export function jsonPatch(doc: unknown, ops: Op[]): unknown {
  const root = clone(doc);
  for (const op of ops) {
    const parts = pointer(op.path);
    const last = parts.pop()!;
    let parent: unknown = root;
    for (const p of parts) {
      parent = Array.isArray(parent) ? parent[Number(p)] : isObject(parent) ? parent[p] : undefined;
      if (parent === undefined) throw new Error(`JSON patch ${op.op} ${op.path}: ${p} does not exist`);
    }
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(i) || i < 0 || i > parent.length || (op.op !== 'add' && i >= parent.length)) throw new Error(`JSON patch ${op.op} ${op.path}: index out of range`);
      if (op.op === 'add') parent.splice(i, 0, clone(op.value));
      else if (op.op === 'remove') parent.splice(i, 1);
      else if (op.op === 'replace') parent[i] = clone(op.value);
      else if (JSON.stringify(parent[i]) !== JSON.stringify(op.value)) throw new Error(`JSON patch test ${op.path} failed`);
    } else if (isObject(parent)) {
      if (op.op !== 'add' && !(last in parent)) throw new Error(`JSON patch ${op.op} ${op.path}: no such field`);
      if (op.op === 'add' || op.op === 'replace') parent[last] = clone(op.value);
      else if (op.op === 'remove') delete parent[last];
      else if (JSON.stringify(parent[last]) !== JSON.stringify(op.value)) throw new Error(`JSON patch test ${op.path} failed`);
    } else throw new Error(`JSON patch ${op.op} ${op.path}: parent is not a container`);
  }
  return root;
}

function applyPatch(docs: Doc[], p: Patch, dir: string): Doc[] {
  const text = p.path ? readFileSync(join(dir, p.path), 'utf8') : p.patch;
  if (!text) throw new Error(`${dir}: a patch needs path or patch`);
  const body = parse(text) as unknown;
  if (Array.isArray(body)) {
    if (!p.target) throw new Error(`${dir}: a JSON 6902 patch needs a target`);
    let hit = 0;
    const out = docs.map((d) => (matches(d, p.target!) ? (hit++, jsonPatch(d, body as Op[]) as Doc) : d));
    if (hit === 0) throw new Error(`${dir}: patch target ${JSON.stringify(p.target)} matches nothing`);
    return out;
  }
  if (!isObject(body)) throw new Error(`${dir}: a patch is a resource (strategic merge) or a list of operations (JSON 6902)`);
  const b = body as Partial<Doc>;
  const target: Target = p.target ?? { kind: b.kind, name: b.metadata?.name, group: b.apiVersion ? groupOf(b.apiVersion) : undefined };
  let hit = 0;
  const out = docs.map((d) => {
    if (!matches(d, target)) return d;
    hit++;
    const { metadata, ...rest } = b;
    const merged = strategicMerge(d, { ...rest, ...(metadata ? { metadata: { ...metadata, name: d.metadata.name } } : {}) }) as Doc;
    return { ...merged, apiVersion: d.apiVersion, kind: d.kind };
  });
  if (hit === 0) throw new Error(`${dir}: patch target ${JSON.stringify(target)} matches nothing`);
  return out;
}

function setImages(v: unknown, images: NonNullable<Kustomization['images']>): void {
  if (Array.isArray(v)) return v.forEach((x) => setImages(x, images));
  if (!isObject(v)) return;
  for (const [k, x] of Object.entries(v)) {
    if ((k === 'containers' || k === 'initContainers') && Array.isArray(x)) {
      for (const c of x) {
        if (!isObject(c) || typeof c.image !== 'string') continue;
        const m = /^([^@]+?)(?::([^:/@]+))?(?:@(.+))?$/.exec(c.image)!;
        const rule = images.find((i) => i.name === m[1]);
        if (!rule) continue;
        const name = rule.newName ?? m[1];
        c.image = rule.digest ? `${name}@${rule.digest}` : `${name}${rule.newTag ?? m[2] ? `:${rule.newTag ?? m[2]}` : ''}${!rule.newTag && m[3] ? `@${m[3]}` : ''}`;
      }
    } else setImages(x, images);
  }
}

/** Renders the kustomization in `dir` (recursively through its resources). */
export function renderKustomization(dir: string): Doc[] {
  const file = kustomizationFile(dir);
  const k = (parse(readFileSync(file, 'utf8')) ?? {}) as Kustomization;
  for (const field of Object.keys(k)) if (!SUPPORTED.has(field)) throw new Error(`${file}: "${field}" is outside the Kustomize subset this renderer implements`);
  let docs: Doc[] = [];
  for (const r of k.resources ?? []) {
    const path = resolve(dir, r);
    if (!existsSync(path)) throw new Error(`${file}: resource ${r} does not exist`);
    docs.push(...(statSync(path).isDirectory() ? renderKustomization(path) : readYamlDocs(path)));
  }
  const seen = new Set<string>();
  for (const d of docs) {
    const id = `${d.apiVersion}/${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`;
    if (seen.has(id)) throw new Error(`${file}: ${id} appears twice`);
    seen.add(id);
  }
  for (const p of k.patches ?? []) docs = applyPatch(docs, p, dirname(file));
  if (k.namespace) for (const d of docs) if (!CLUSTER_SCOPED.has(d.kind)) d.metadata.namespace = k.namespace;
  for (const l of k.labels ?? []) {
    if (l.includeSelectors || l.includeTemplates) throw new Error(`${file}: labels with includeSelectors/includeTemplates are outside the supported subset`);
    for (const d of docs) d.metadata.labels = { ...d.metadata.labels, ...l.pairs };
  }
  for (const r of k.replicas ?? []) {
    const targets = docs.filter((d) => SCALABLE.has(d.kind) && d.metadata.name === r.name);
    if (targets.length === 0) throw new Error(`${file}: replicas for ${r.name} match no workload`);
    for (const d of targets) (d.spec as Record<string, unknown>).replicas = r.count;
  }
  if (k.images) for (const d of docs) setImages(d, k.images);
  return docs;
}

export const resourceId = (d: Doc) => `${d.kind}/${d.metadata.namespace ?? '-'}/${d.metadata.name}`;
