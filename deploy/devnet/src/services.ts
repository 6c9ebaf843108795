/**
 * The one list of zkseq services. The devnet, the compose file, the Dockerfiles and the
 * Kubernetes checks are all derived from it, so adding a service here is the only step that
 * makes it appear everywhere (and a test fails where a hand-written manifest lacks it).
 */

export const SERVICE_NAMES = ['hashdb', 'executor', 'pool', 'rpc', 'sequencer', 'eth-tx-manager', 'sequence-sender', 'synchronizer'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type PortName = 'grpc' | 'http' | 'metrics';
export type Ports = { metrics: number; grpc?: number; http?: number };

/**
 * Where everything is, as one service sees it. The devnet fills it with 127.0.0.1 and local
 * files; the compose file with container names and mounted files; Kubernetes with Service DNS.
 */
export type Topology = {
  /** Address (host:port or a gRPC target such as dns:///name:port) other services use for `name`'s gRPC port. */
  grpcAddress(name: 'hashdb' | 'executor'): string;
  /** Interface services listen on. */
  bindHost: string;
  ports(name: ServiceName): Ports;
  natsUrl: string;
  redisUrl: string;
  /** NATS subject/stream namespace ('' in a dedicated deployment). */
  namespace: string;
  /** Prepended to every Redis key space of the deployment ('' in a dedicated deployment). */
  redisPrefix: string;
  streamStorage: 'file' | 'memory';
  l2ChainId: number;
  l1RpcUrl: string;
  l1ChainId: number;
  /** L2 coinbase of the sequencer (receives the fees). */
  coinbase: string;
  files: {
    /** L2 genesis (libs/genesis format) read by the hashdb and the sequencer. */
    genesis: string;
    /** L1 deployment file (libs/contracts format) read by the sequence-sender and synchronizer. */
    deployment: string;
    hashdbDataDir: string;
    /** File holding the trusted sequencer's L1 key (eth-tx-manager). */
    l1SequencerKey: string;
  };
  /** Set on a devnet: the chain is local, so one confirmation is final. */
  l1Confirmations?: number;
};

export type ServiceSpec = {
  name: ServiceName;
  /** Workspace package under services/<name>. */
  packageName: string;
  summary: string;
  /** Default ports (the services' own defaults; the devnet uses them as its fixed ports). */
  ports: Ports;
  /** Started once these are up (the devnet's order; compose's depends_on). */
  after: ServiceName[];
  /** How it runs in a cluster: horizontally scaled, one pod with a volume, or one active instance. */
  scaling: 'replicas' | 'stateful' | 'single';
  /** The environment that wires it to the rest of the deployment. */
  env(t: Topology): Record<string, string>;
};

const nats = (t: Topology) => ({ NATS_URL: t.natsUrl, NATS_NAMESPACE: t.namespace });
const natsStreams = (t: Topology) => ({ ...nats(t), NATS_STREAM_STORAGE: t.streamStorage });
const stateDb = (t: Topology) => ({ STATE_REDIS_URL: t.redisUrl, STATE_REDIS_PREFIX: `${t.redisPrefix}state:` });
const poolDb = (t: Topology) => ({ POOL_REDIS_URL: t.redisUrl, POOL_REDIS_PREFIX: `${t.redisPrefix}pool:` });
const ops = (t: Topology, name: ServiceName) => ({ METRICS_HOST: t.bindHost, METRICS_PORT: String(t.ports(name).metrics) });
const chain = (t: Topology) => ({ L2_CHAIN_ID: String(t.l2ChainId) });

export const SERVICES: readonly ServiceSpec[] = [
  {
    name: 'hashdb',
    packageName: '@zkseq/svc-hashdb',
    summary: 'state tree (LevelDB) over gRPC',
    ports: { grpc: 50061, metrics: 9161 },
    after: [],
    scaling: 'stateful',
    env: (t) => ({
      ...ops(t, 'hashdb'),
      HASHDB_GRPC_HOST: t.bindHost,
      HASHDB_GRPC_PORT: String(t.ports('hashdb').grpc),
      HASHDB_DATA_DIR: t.files.hashdbDataDir,
      HASHDB_GENESIS_FILE: t.files.genesis,
      // Page faults on the node cache's first touches cost ~10 % of the hashdb's CPU in a
      // minute-long run and lengthen the latency tail; paying them at start (~2 s) is cheaper.
      HASHDB_PREFAULT: 'true',
    }),
  },
  {
    name: 'executor',
    packageName: '@zkseq/svc-executor',
    summary: 'fork-6 batch execution and ZK counters over gRPC',
    ports: { grpc: 50071, metrics: 9171 },
    after: ['hashdb'],
    scaling: 'replicas',
    env: (t) => ({
      ...ops(t, 'executor'),
      EXECUTOR_GRPC_HOST: t.bindHost,
      EXECUTOR_GRPC_PORT: String(t.ports('executor').grpc),
      HASHDB_URL: t.grpcAddress('hashdb'),
    }),
  },
  {
    name: 'pool',
    packageName: '@zkseq/svc-pool',
    summary: 'transaction admission into the pool DB',
    ports: { metrics: 9101 },
    after: ['hashdb', 'executor'],
    scaling: 'replicas',
    env: (t) => ({
      ...ops(t, 'pool'),
      ...chain(t),
      ...nats(t),
      ...poolDb(t),
      ...stateDb(t),
      HASHDB_URL: t.grpcAddress('hashdb'),
      EXECUTOR_URL: t.grpcAddress('executor'),
    }),
  },
  {
    name: 'rpc',
    packageName: '@zkseq/svc-rpc',
    summary: 'L2 JSON-RPC over HTTP and WebSocket',
    ports: { http: 8123, metrics: 9102 },
    after: ['hashdb', 'executor'],
    scaling: 'replicas',
    env: (t) => ({
      ...ops(t, 'rpc'),
      ...chain(t),
      ...nats(t),
      ...poolDb(t),
      ...stateDb(t),
      RPC_HOST: t.bindHost,
      RPC_PORT: String(t.ports('rpc').http),
      RPC_FILTER_PREFIX: `${t.redisPrefix}rpc:filter:`,
      HASHDB_URL: t.grpcAddress('hashdb'),
      EXECUTOR_URL: t.grpcAddress('executor'),
    }),
  },
  {
    name: 'sequencer',
    packageName: '@zkseq/svc-sequencer',
    summary: 'batch building and closure; one active instance (Redis lease)',
    ports: { metrics: 9111 },
    after: ['hashdb', 'executor'],
    scaling: 'single',
    env: (t) => ({
      ...ops(t, 'sequencer'),
      ...chain(t),
      ...natsStreams(t),
      ...poolDb(t),
      ...stateDb(t),
      EXECUTOR_URL: t.grpcAddress('executor'),
      HASHDB_URL: t.grpcAddress('hashdb'),
      SEQUENCER_GENESIS_FILE: t.files.genesis,
      SEQUENCER_COINBASE: t.coinbase,
      SEQUENCER_LEASE_KEY: `${t.redisPrefix}lease:sequencer`,
    }),
  },
  {
    name: 'eth-tx-manager',
    packageName: '@zkseq/svc-eth-tx-manager',
    summary: 'L1 transactions of the trusted sequencer key',
    ports: { metrics: 9106 },
    after: [],
    scaling: 'single',
    env: (t) => ({
      ...ops(t, 'eth-tx-manager'),
      ...natsStreams(t),
      REDIS_URL: t.redisUrl,
      ETHTXMAN_REDIS_PREFIX: `${t.redisPrefix}l1tx:`,
      L1_RPC_URL: t.l1RpcUrl,
      L1_CHAIN_ID: String(t.l1ChainId),
      ETHTXMAN_PRIVATE_KEY_FILE: t.files.l1SequencerKey,
      ...(t.l1Confirmations ? { ETHTXMAN_CONFIRMATIONS: String(t.l1Confirmations) } : {}),
    }),
  },
  {
    name: 'sequence-sender',
    packageName: '@zkseq/svc-sequence-sender',
    summary: 'groups closed batches into sequenceBatches L1 transactions',
    ports: { metrics: 9107 },
    after: ['eth-tx-manager'],
    scaling: 'single',
    env: (t) => ({
      ...ops(t, 'sequence-sender'),
      ...natsStreams(t),
      ...stateDb(t),
      SEQSENDER_REDIS_PREFIX: `${t.redisPrefix}seqsender:`,
      L1_DEPLOYMENT_FILE: t.files.deployment,
      L1_RPC_URL: t.l1RpcUrl,
    }),
  },
  {
    name: 'synchronizer',
    packageName: '@zkseq/svc-synchronizer',
    summary: 'follows L1, marks batches virtual, rolls back reorgs',
    ports: { metrics: 9108 },
    after: [],
    scaling: 'single',
    env: (t) => ({
      ...ops(t, 'synchronizer'),
      ...natsStreams(t),
      ...stateDb(t),
      SYNC_REDIS_PREFIX: `${t.redisPrefix}sync:`,
      L1_DEPLOYMENT_FILE: t.files.deployment,
      L1_RPC_URL: t.l1RpcUrl,
    }),
  },
];

export function service(name: ServiceName): ServiceSpec {
  const s = SERVICES.find((x) => x.name === name);
  if (!s) throw new Error(`unknown service ${name}`);
  return s;
}

/** services/<name>/dist/main.js relative to the repository root. */
export const serviceMain = (name: ServiceName) => `services/${name}/dist/main.js`;

/** The services in start order: each after everything in its `after` list. */
export function startOrder(services: readonly ServiceSpec[] = SERVICES): ServiceSpec[] {
  const done = new Set<ServiceName>();
  const out: ServiceSpec[] = [];
  const pending = [...services];
  while (pending.length > 0) {
    const i = pending.findIndex((s) => s.after.every((d) => done.has(d) || !services.some((x) => x.name === d)));
    if (i < 0) throw new Error(`service dependency cycle among ${pending.map((s) => s.name).join(', ')}`);
    const [s] = pending.splice(i, 1);
    out.push(s);
    done.add(s.name);
  }
  return out;
}
