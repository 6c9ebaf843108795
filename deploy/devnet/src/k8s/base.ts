/**
 * The Kustomize base in k8s/base, generated from the service list so its wiring (env variables,
 * ports, files) is the devnet's and the compose file's. Overlays (k8s/overlays/*) are hand-written.
 */
import { stringify } from 'yaml';
import { DEVNET_COINBASE } from '../accounts';
import { SERVICES, type ServiceName, type ServiceSpec, type Topology } from '../services';

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [k: string]: unknown };

export const PART_OF = 'zkseq';
/** ConfigMap with the deployment's settings (overlays patch it). */
export const ENV_CONFIGMAP = 'zkseq-env';
/** ConfigMap with l2-genesis.json and l1-deployment.json: created per deployment (see k8s/README.md), not in git. */
export const NETWORK_CONFIGMAP = 'zkseq-network';
/** Secret with the trusted sequencer's L1 key (`private-key`): the dev overlay holds hardhat's public dev key; prod creates it outside git. */
export const L1_KEY_SECRET = 'zkseq-l1-sequencer';
export const EXECUTOR_HEADLESS = 'executor-headless';
/** Services with this label are scraped by the ServiceMonitor (their `metrics` port). */
export const SCRAPE_LABEL = 'zkseq.io/scrape';

const NETWORK_DIR = '/config/network';
const KEY_DIR = '/secrets/l1';

/** Values that differ per deployment come from the ConfigMap rather than from the generated literal. */
const FROM_CONFIGMAP: Record<string, string> = {
  NATS_URL: 'NATS_URL',
  REDIS_URL: 'REDIS_URL',
  STATE_REDIS_URL: 'REDIS_URL',
  POOL_REDIS_URL: 'REDIS_URL',
  L2_CHAIN_ID: 'L2_CHAIN_ID',
  L1_RPC_URL: 'L1_RPC_URL',
  L1_CHAIN_ID: 'L1_CHAIN_ID',
  SEQUENCER_COINBASE: 'SEQUENCER_COINBASE',
  LOG_LEVEL: 'LOG_LEVEL',
};

export const ENV_DEFAULTS: Record<string, string> = {
  NATS_URL: 'nats://nats:4222',
  REDIS_URL: 'redis://redis-master:6379',
  L2_CHAIN_ID: '1001',
  L1_RPC_URL: 'http://l1-node:8545',
  L1_CHAIN_ID: '31337',
  SEQUENCER_COINBASE: DEVNET_COINBASE,
  LOG_LEVEL: 'info',
};

type Resources = { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
const RESOURCES: Record<ServiceName, Resources> = {
  hashdb: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '3Gi' } },
  executor: { requests: { cpu: '1', memory: '512Mi' }, limits: { cpu: '2', memory: '1536Mi' } },
  pool: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  rpc: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  sequencer: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } },
  'eth-tx-manager': { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  'sequence-sender': { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  synchronizer: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
};

/** Wiring inside the cluster: Service DNS names; executors through the headless Service, round-robin. */
export function k8sTopology(): Topology {
  const ports = Object.fromEntries(SERVICES.map((s) => [s.name, s.ports]));
  return {
    grpcAddress: (name) => (name === 'executor' ? `dns:///${EXECUTOR_HEADLESS}:${ports.executor.grpc}` : `${name}:${ports[name].grpc}`),
    bindHost: '0.0.0.0',
    ports: (name) => ports[name],
    natsUrl: ENV_DEFAULTS.NATS_URL,
    redisUrl: ENV_DEFAULTS.REDIS_URL,
    namespace: '',
    redisPrefix: '',
    streamStorage: 'file',
    l2ChainId: Number(ENV_DEFAULTS.L2_CHAIN_ID),
    l1RpcUrl: ENV_DEFAULTS.L1_RPC_URL,
    l1ChainId: Number(ENV_DEFAULTS.L1_CHAIN_ID),
    coinbase: ENV_DEFAULTS.SEQUENCER_COINBASE,
    files: { genesis: `${NETWORK_DIR}/l2-genesis.json`, deployment: `${NETWORK_DIR}/l1-deployment.json`, hashdbDataDir: '/data', l1SequencerKey: `${KEY_DIR}/private-key` },
  };
}

const labels = (s: ServiceSpec) => ({ 'app.kubernetes.io/name': s.name, 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/component': s.scaling });
const selector = (s: ServiceSpec) => ({ 'app.kubernetes.io/name': s.name, 'app.kubernetes.io/part-of': PART_OF });

function container(s: ServiceSpec, t: Topology): Record<string, unknown> {
  const raw = { LOG_LEVEL: ENV_DEFAULTS.LOG_LEVEL, ...s.env(t) };
  const env = Object.entries(raw).map(([name, value]) =>
    FROM_CONFIGMAP[name] ? { name, valueFrom: { configMapKeyRef: { name: ENV_CONFIGMAP, key: FROM_CONFIGMAP[name] } } } : { name, value },
  );
  const values = Object.values(raw).join(' ');
  const mounts = [
    ...(values.includes(NETWORK_DIR) ? [{ name: 'network', mountPath: NETWORK_DIR, readOnly: true }] : []),
    ...(values.includes(KEY_DIR) ? [{ name: 'l1-key', mountPath: KEY_DIR, readOnly: true }] : []),
    ...(s.scaling === 'stateful' ? [{ name: 'data', mountPath: '/data' }] : []),
  ];
  const ports = [
    ...(s.ports.grpc ? [{ name: 'grpc', containerPort: s.ports.grpc, protocol: 'TCP' }] : []),
    ...(s.ports.http ? [{ name: 'http', containerPort: s.ports.http, protocol: 'TCP' }] : []),
    { name: 'metrics', containerPort: s.ports.metrics, protocol: 'TCP' },
  ];
  return {
    name: s.name,
    image: `zkseq/${s.name}:latest`,
    imagePullPolicy: 'IfNotPresent',
    env,
    ports,
    ...(mounts.length ? { volumeMounts: mounts } : {}),
    resources: RESOURCES[s.name],
    readinessProbe: { httpGet: { path: '/ready', port: 'metrics' }, periodSeconds: 5, failureThreshold: 3 },
    livenessProbe: { httpGet: { path: '/health', port: 'metrics' }, periodSeconds: 10, failureThreshold: 6 },
    // Loading the genesis or warming the hashdb cache may take a while before /health answers.
    startupProbe: { httpGet: { path: '/health', port: 'metrics' }, periodSeconds: 5, failureThreshold: 60 },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
  };
}

function podSpec(s: ServiceSpec, t: Topology): Record<string, unknown> {
  const c = container(s, t);
  const mounts = (c.volumeMounts as { name: string }[] | undefined) ?? [];
  const volumes = [
    ...(mounts.some((m) => m.name === 'network') ? [{ name: 'network', configMap: { name: NETWORK_CONFIGMAP } }] : []),
    ...(mounts.some((m) => m.name === 'l1-key') ? [{ name: 'l1-key', secret: { secretName: L1_KEY_SECRET, defaultMode: 0o400 } }] : []),
  ];
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    terminationGracePeriodSeconds: 30,
    containers: [c],
    ...(volumes.length ? { volumes } : {}),
  };
}

function workload(s: ServiceSpec, t: Topology): Manifest {
  const template = { metadata: { labels: labels(s) }, spec: podSpec(s, t) };
  if (s.scaling === 'stateful') {
    return {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: s.name, labels: labels(s) },
      spec: {
        serviceName: s.name,
        replicas: 1,
        selector: { matchLabels: selector(s) },
        template,
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } } }],
      },
    };
  }
  // One-instance services without a lease must never run twice, not even during a rollout.
  const recreate = s.scaling === 'single' && s.name !== 'sequencer';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: s.name, labels: labels(s) },
    spec: {
      replicas: s.scaling === 'replicas' ? 2 : 1,
      selector: { matchLabels: selector(s) },
      strategy: recreate ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template,
    },
  };
}

function service(s: ServiceSpec): Manifest {
  const headless = s.scaling === 'stateful' || s.name === 'executor';
  const ports = [
    ...(s.ports.grpc ? [{ name: 'grpc', port: s.ports.grpc, targetPort: 'grpc', protocol: 'TCP' }] : []),
    ...(s.ports.http ? [{ name: 'http', port: s.ports.http, targetPort: 'http', protocol: 'TCP' }] : []),
    { name: 'metrics', port: s.ports.metrics, targetPort: 'metrics', protocol: 'TCP' },
  ];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.name === 'executor' ? EXECUTOR_HEADLESS : s.name, labels: { ...labels(s), [SCRAPE_LABEL]: 'true' } },
    spec: { ...(headless ? { clusterIP: 'None' } : { type: 'ClusterIP' }), selector: selector(s), ports },
  };
}

function autoscaler(s: ServiceSpec): Manifest {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: s.name, labels: labels(s) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: s.name },
      minReplicas: 2,
      maxReplicas: 8,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
  };
}

function disruptionBudget(s: ServiceSpec): Manifest {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: s.name, labels: labels(s) },
    spec: { minAvailable: 1, selector: { matchLabels: selector(s) } },
  };
}

/** Horizontally scaled on CPU. */
export const AUTOSCALED: ServiceName[] = ['executor', 'rpc'];

/** The base's files: path under k8s/base → documents. */
export function baseManifests(): Record<string, Manifest[]> {
  const t = k8sTopology();
  const files: Record<string, Manifest[]> = {};
  files['config.yaml'] = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: ENV_CONFIGMAP, labels: { 'app.kubernetes.io/part-of': PART_OF } },
      data: ENV_DEFAULTS,
    },
  ];
  for (const s of SERVICES) {
    const docs = [workload(s, t), service(s)];
    if (AUTOSCALED.includes(s.name)) docs.push(autoscaler(s));
    if (s.scaling === 'replicas') docs.push(disruptionBudget(s));
    files[`${s.name}.yaml`] = docs;
  }
  files['servicemonitor.yaml'] = [
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: PART_OF, labels: { 'app.kubernetes.io/part-of': PART_OF } },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/part-of': PART_OF, [SCRAPE_LABEL]: 'true' } },
        endpoints: [{ port: 'metrics', path: '/metrics', interval: '15s' }],
      },
    },
  ];
  return files;
}

const HEADER = '# Generated by deploy/devnet/src/k8s/base.ts from the service list: edit that, then run\n# `pnpm --filter @zkseq/devnet run generate`.\n';

/** k8s/base/* as text. */
export function baseFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  const manifests = baseManifests();
  for (const [file, docs] of Object.entries(manifests)) out[`k8s/base/${file}`] = HEADER + docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
  out['k8s/base/kustomization.yaml'] = `${HEADER}${stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: Object.keys(manifests),
  })}`;
  return out;
}
