// Kubernetes manifests: the generated base matches the service list; the base and every overlay
// render (our Kustomize-subset renderer, no kubectl needed) into resources that pass the OpenAPI
// schemas (kubernetes-models), the strict Kubernetes types (kubernetes-types) and the
// cross-reference checks; where kubectl is installed, every rendering equals `kubectl kustomize`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { SERVICES } from '../deploy/devnet/src/services';
import { AUTOSCALED, baseFiles, ENV_CONFIGMAP, EXECUTOR_HEADLESS, L1_KEY_SECRET } from '../deploy/devnet/src/k8s/base';
import { EXTERNAL, kubectlAvailable, kubectlDifferences, kustomizations } from '../deploy/devnet/src/k8s/check';
import { jsonPatch, renderKustomization, strategicMerge, type Doc } from '../deploy/devnet/src/k8s/kustomize';
import { referenceFindings, schemaFindings, typeFindings, validateManifests } from '../deploy/devnet/src/k8s/validate';

jest.setTimeout(120_000);

const root = join(__dirname, '..');
const render = (k: string) => renderKustomization(join(root, 'k8s', k));
const find = (docs: Doc[], kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);
type Pod = { spec: { template: { spec: { containers: Record<string, any>[]; securityContext: Record<string, unknown> } } } }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('k8s base', () => {
  it('is the generated one', () => {
    for (const [path, content] of Object.entries(baseFiles())) expect({ path, content: readFileSync(join(root, path), 'utf8') }).toEqual({ path, content });
  });

  it('has a workload, Service, probes, resources and a non-root pod for every service', () => {
    const docs = render('base');
    for (const s of SERVICES) {
      const w = find(docs, s.scaling === 'stateful' ? 'StatefulSet' : 'Deployment', s.name) as unknown as Pod & Doc;
      expect(w).toBeDefined();
      const c = w.spec.template.spec.containers[0];
      expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'metrics' });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health', port: 'metrics' });
      expect(c.resources.requests.cpu).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
      expect(w.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      const env = Object.fromEntries((c.env as { name: string; value?: string }[]).map((e) => [e.name, e]));
      expect(env.METRICS_PORT.value).toBe(String(s.ports.metrics));
      expect(find(docs, 'Service', s.name === 'executor' ? EXECUTOR_HEADLESS : s.name)).toBeDefined();
      expect(!!find(docs, 'HorizontalPodAutoscaler', s.name)).toBe(AUTOSCALED.includes(s.name));
      expect(!!find(docs, 'PodDisruptionBudget', s.name)).toBe(s.scaling === 'replicas');
    }
    expect((find(docs, 'Service', EXECUTOR_HEADLESS)!.spec as { clusterIP: string }).clusterIP).toBe('None');
    const hashdb = find(docs, 'StatefulSet', 'hashdb') as unknown as { spec: { volumeClaimTemplates: { metadata: { name: string } }[] } };
    expect(hashdb.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    for (const name of ['sequencer', 'rpc']) {
      const env = (find(docs, 'Deployment', name) as unknown as Pod).spec.template.spec.containers[0].env as { name: string; value?: string }[];
      expect(env.find((e) => e.name === 'EXECUTOR_URL')!.value).toBe(`dns:///${EXECUTOR_HEADLESS}:50071`);
    }
    expect(find(docs, 'ServiceMonitor', 'zkseq')).toBeDefined();
    expect(find(docs, 'ConfigMap', ENV_CONFIGMAP)).toBeDefined();
  });
});

describe.each(['base', 'overlays/dev', 'overlays/prod'])('k8s/%s', (k) => {
  it('validates against the schemas, the strict types and its own references', () => {
    expect(kustomizations(root)).toContain(k);
    expect(validateManifests(render(k), EXTERNAL)).toEqual([]);
  });

  (kubectlAvailable() ? it : it.skip)('renders exactly as kubectl kustomize does', () => {
    expect(kubectlDifferences(join(root, 'k8s', k), render(k))).toEqual([]);
  });
});

describe('k8s overlays', () => {
  it('dev: one replica, the dev L1 and its public key; prod: registry images, more replicas, no key in git', () => {
    const dev = render('overlays/dev');
    expect(dev.every((d) => d.metadata.namespace === 'zkseq-dev')).toBe(true);
    expect((find(dev, 'Deployment', 'rpc')!.spec as { replicas: number }).replicas).toBe(1);
    expect(find(dev, 'Secret', L1_KEY_SECRET)).toBeDefined();
    expect(find(dev, 'Deployment', 'l1-node')).toBeDefined();
    expect((find(dev, 'HorizontalPodAutoscaler', 'executor')!.spec as { minReplicas: number }).minReplicas).toBe(1);
    const prod = render('overlays/prod');
    expect(prod.every((d) => d.metadata.namespace === 'zkseq')).toBe(true);
    expect(find(prod, 'Secret', L1_KEY_SECRET)).toBeUndefined();
    expect((find(prod, 'Deployment', 'sequencer')!.spec as { replicas: number }).replicas).toBe(2);
    const exec = (find(prod, 'Deployment', 'executor') as unknown as Pod).spec.template.spec.containers[0];
    expect(exec.image).toBe('registry.example.com/zkseq/executor:0.1.0');
    expect(exec.resources.requests.cpu).toBe('2');
    expect(exec.env.length).toBe((((find(render('base'), 'Deployment', 'executor') as unknown as Pod).spec.template.spec.containers[0].env) as unknown[]).length);
  });
});

describe('k8s validation catches', () => {
  const base = () => render('base');
  const podOf = (docs: Doc[], name: string) => (find(docs, 'Deployment', name) as unknown as Pod).spec.template.spec;

  it('a misspelt field (types), a wrongly typed one (schema), dangling references', () => {
    const typo = base();
    podOf(typo, 'rpc').containers[0].readinesProbe = { httpGet: { path: '/ready', port: 'metrics' } };
    expect(typeFindings(typo).map((f) => f.resource)).toEqual(['Deployment/-/rpc']);

    const wrong = base();
    (find(wrong, 'Deployment', 'pool')!.spec as Record<string, unknown>).replicas = 'two';
    expect(schemaFindings(wrong)).toEqual([expect.objectContaining({ resource: 'Deployment/-/pool', message: expect.stringContaining('replicas') })]);

    const dangling = base();
    podOf(dangling, 'sequencer').containers[0].env.push({ name: 'X', valueFrom: { configMapKeyRef: { name: ENV_CONFIGMAP, key: 'NO_SUCH_KEY' } } });
    podOf(dangling, 'pool').containers[0].readinessProbe.httpGet.port = 'admin';
    (find(dangling, 'Service', 'rpc')!.spec as { selector: Record<string, string> }).selector = { app: 'nothing' };
    expect([...new Set(referenceFindings(dangling, EXTERNAL).map((f) => f.resource))].sort()).toEqual(['Deployment/-/pool', 'Deployment/-/sequencer', 'Service/-/rpc']);
    expect(referenceFindings(base(), { configMaps: [], secrets: [] }).length).toBeGreaterThan(0);
  });
});

describe('kustomize subset renderer', () => {
  it('merges strategically by the API merge keys, new list items first', () => {
    const base = { spec: { containers: [{ name: 'a', image: 'x', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }], volumes: [{ name: 'v' }] } };
    const patch = { spec: { containers: [{ name: 'a', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] }], nodeSelector: { n: 'y' } } };
    expect(strategicMerge(base, patch)).toEqual({
      spec: { containers: [{ name: 'a', image: 'x', env: [{ name: 'C', value: '4' }, { name: 'A', value: '1' }, { name: 'B', value: '3' }] }], volumes: [{ name: 'v' }], nodeSelector: { n: 'y' } },
    });
    expect(strategicMerge({ a: { b: 1, c: 2 } }, { a: { b: null } })).toEqual({ a: { c: 2 } });
    expect(() => strategicMerge({ a: 1 }, { $patch: 'delete' })).toThrow(/not supported/);
  });

  it('applies JSON patches and refuses bad paths', () => {
    expect(jsonPatch({ a: [1, 2], b: { c: 1 } }, [{ op: 'add', path: '/a/-', value: 3 }, { op: 'replace', path: '/b/c', value: 5 }, { op: 'remove', path: '/a/0' }])).toEqual({ a: [2, 3], b: { c: 5 } });
    expect(() => jsonPatch({ a: {} }, [{ op: 'replace', path: '/a/x', value: 1 }])).toThrow(/no such field/);
    expect(() => jsonPatch({ a: [] }, [{ op: 'test', path: '/a', value: [1] }])).toThrow(/test/);
  });

  it('renders every supported feature as kubectl does, and refuses fields outside the subset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zkseq-kustomize-'));
    try {
      writeFileSync(join(dir, 'kustomization.yaml'), [
        `resources: [${relative(dir, join(root, 'k8s/base'))}]`,
        'namespace: t',
        'labels: [{ pairs: { team: zk } }]',
        'images: [{ name: zkseq/rpc, newName: r.example/rpc, digest: "sha256:' + 'a'.repeat(64) + '" }, { name: zkseq/pool, newTag: "9" }]',
        'replicas: [{ name: pool, count: 5 }]',
        'patches:',
        '  - patch: |',
        '      apiVersion: apps/v1',
        '      kind: Deployment',
        '      metadata: { name: rpc, labels: { extra: "1" } }',
        '      spec: { template: { spec: { containers: [{ name: rpc, env: [{ name: RPC_MAX_BATCH, value: "10" }] }] } } }',
        '  - target: { kind: Service, name: rpc }',
        '    patch: |',
        '      - op: add',
        '        path: /spec/ports/-',
        '        value: { name: ws, port: 8124, targetPort: http, protocol: TCP }',
      ].join('\n'));
      const docs = renderKustomization(dir);
      const rpc = (find(docs, 'Deployment', 'rpc') as unknown as Pod).spec.template.spec.containers[0];
      expect(rpc.image).toBe(`r.example/rpc@sha256:${'a'.repeat(64)}`);
      expect(rpc.env[0]).toEqual({ name: 'RPC_MAX_BATCH', value: '10' });
      expect((find(docs, 'Deployment', 'pool')!.spec as { replicas: number }).replicas).toBe(5);
      if (kubectlAvailable()) expect(kubectlDifferences(dir, docs)).toEqual([]);
      writeFileSync(join(dir, 'kustomization.yaml'), 'resources: []\nnamePrefix: x-\n');
      expect(() => renderKustomization(dir)).toThrow(/namePrefix.*outside the Kustomize subset/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
