import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { connectNats, deleteStreams } from '@zkseq/messaging';
import { DEV_MNEMONIC } from '@zkseq/contracts';
import { DEV_ACCOUNT_COUNT, DEVNET_COINBASE } from './accounts';
import { chainFiles, prepareChain, type PreparedChain } from './chain';
import { alive, freePorts, jsonRpc, listening, until } from './net';
import { SERVICES, serviceMain, type Ports, type ServiceName, type ServiceSpec, type Topology } from './services';
import { Supervisor, type SupervisorEvent } from './supervisor';

export const L1_PORT = 8545;
export const L1_NAME = 'l1';

export type DevnetOptions = {
  /** Repository root. */
  root: string;
  /** Where the devnet keeps its files (genesis, deployment, hashdb data, logs, devnet.json). */
  dir: string;
  /** 'fixed': the documented ports (8545, 8123, 50061, 50071, the services' metrics ports); 'free': any free ports (tests, benchmarks). */
  ports: 'fixed' | 'free';
  /** NATS namespace; the Redis key prefix is `<namespace>:`. Everything under both is wiped at start. */
  namespace: string;
  natsUrl: string;
  redisUrl: string;
  l1BlockTimeMs: number;
  l2ChainId: number;
  /** Extra genesis-funded accounts for load generation (see loadAccounts()). */
  loadAccounts: number;
  streamStorage: 'file' | 'memory';
  /** Per-service environment added on top of the wiring (tuning, log level). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Progress and events for a human. */
  log?: (line: string) => void;
  /** Called when the devnet cannot go on (the L1 node died: its chain is in memory). */
  onFatal?: (err: Error) => void;
  startTimeoutMs?: number;
  /** Extra node flags for every service process (e.g. --cpu-prof --cpu-prof-dir=DIR for profiles). */
  nodeArgs?: string[];
  /** Hands over the supervisor as soon as it exists, so a caller can stop a devnet still starting. */
  onSupervisor?: (s: Supervisor) => void;
};

export type ServiceInfo = { ports: Ports; log: string; metricsUrl: string; readyUrl: string };

/** What `.devnet/devnet.json` holds. */
export type DevnetInfo = {
  startedAt: string;
  dir: string;
  l1: { rpcUrl: string; chainId: number; blockTimeMs: number; log: string };
  l2: { rpcUrl: string; wsUrl: string; chainId: number; genesisRoot: string; genesisTimestamp: number; coinbase: string };
  contracts: { rollup: string; globalExitRootManager: string; feeToken: string };
  roles: { admin: string; trustedSequencer: string };
  nats: { url: string; namespace: string };
  redis: { url: string; prefix: string };
  files: { genesis: string; deployment: string; l1SequencerKey: string; hashdbDataDir: string };
  accounts: { mnemonic: string; devAccounts: number; loadAccounts: number; loadAccountKeys: string };
  services: Record<ServiceName, ServiceInfo>;
};

type PidFile = { supervisor: number; root: string; children: Record<string, number> };


/** Set in every process the devnet starts, so a later run recognises leftovers by it. */
export const DEVNET_MARK = 'ZKSEQ_DEVNET_DIR';

/** Whether `pid` runs with DEVNET_MARK=dir (its environment, which a renamed process title keeps). */
function startedBy(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`${DEVNET_MARK}=${dir}`);
  } catch {
    return false;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * Deals with what a previous run left: refuses while another devnet supervisor of this directory
 * runs; kills children of one that died without stopping them (only processes carrying this
 * directory's DEVNET_MARK, so a recycled pid is left alone).
 */
function clearPrevious(dir: string, log: (l: string) => void): void {
  const file = join(dir, 'pids.json');
  if (!existsSync(file)) return;
  let pids: PidFile;
  try {
    pids = JSON.parse(readFileSync(file, 'utf8')) as PidFile;
  } catch {
    rmSync(file, { force: true });
    return;
  }
  if (pids.supervisor !== process.pid && alive(pids.supervisor) && cmdline(pids.supervisor).includes('devnet')) {
    throw new Error(`a devnet is already running from ${dir} (pid ${pids.supervisor}); stop it (Ctrl-C, or kill ${pids.supervisor}) first`);
  }
  for (const [name, pid] of Object.entries(pids.children)) {
    if (alive(pid) && startedBy(pid, dir)) {
      log(`stopping ${name} (pid ${pid}) left over from a previous run`);
      process.kill(pid, 'SIGKILL');
    }
  }
  rmSync(file, { force: true });
}

async function wipeRedis(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) removed += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}

async function wipeNats(natsUrl: string, namespace: string): Promise<void> {
  const nc = await connectNats({ url: natsUrl, name: 'devnet-reset' });
  try {
    await deleteStreams(nc, namespace);
  } finally {
    await nc.close();
  }
}

function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
}

/** Everything under the devnet's namespace, Redis prefix and directory, except the logs. */
export async function resetDevnetState(o: Pick<DevnetOptions, 'dir' | 'namespace' | 'natsUrl' | 'redisUrl'>): Promise<void> {
  await wipeRedis(o.redisUrl, `${o.namespace}:`);
  await wipeNats(o.natsUrl, o.namespace);
  for (const f of [...Object.values(chainFiles(o.dir)), join(o.dir, 'hashdb'), join(o.dir, 'devnet.json')]) rmSync(f, { recursive: true, force: true });
}

async function allocatePorts(mode: DevnetOptions['ports']): Promise<{ l1: number; services: Record<ServiceName, Ports> }> {
  const fixed = Object.fromEntries(SERVICES.map((s) => [s.name, { ...s.ports }])) as Record<ServiceName, Ports>;
  if (mode === 'fixed') return { l1: L1_PORT, services: fixed };
  const needed = 1 + SERVICES.reduce((n, s) => n + Object.keys(s.ports).length, 0);
  const free = await freePorts(needed);
  const next = () => free.pop()!;
  const services = Object.fromEntries(
    SERVICES.map((s) => [s.name, Object.fromEntries(Object.keys(s.ports).map((k) => [k, next()])) as Ports]),
  ) as Record<ServiceName, Ports>;
  return { l1: next(), services };
}

/** Supervisors still running here: killed (SIGKILL) if this process exits without stopping them. */
const live = new Set<Supervisor>();
let exitHook = false;
function track(s: Supervisor): void {
  live.add(s);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const x of live) x.killAllNow();
  });
}

export class Devnet {
  private stopped: Promise<void> | null = null;

  constructor(
    readonly info: DevnetInfo,
    readonly supervisor: Supervisor,
    private readonly opts: DevnetOptions,
  ) {}

  /** Stops every process (services first, the L1 last). */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await this.supervisor.stopAll(15_000);
      live.delete(this.supervisor);
      rmSync(join(this.opts.dir, 'pids.json'), { force: true });
    })();
    return this.stopped;
  }

  /** Stops and removes everything the devnet wrote except its logs (tests and benchmarks). */
  async destroy(): Promise<void> {
    await this.stop();
    await resetDevnetState(this.opts);
  }
}

/** The wiring of the local devnet: every service on 127.0.0.1, files in the devnet directory. */
export function devnetTopology(o: DevnetOptions, ports: Record<ServiceName, Ports>, l1RpcUrl: string, l1ChainId: number): Topology {
  const files = chainFiles(o.dir);
  return {
    grpcAddress: (name) => `127.0.0.1:${ports[name].grpc}`,
    bindHost: '127.0.0.1',
    ports: (name) => ports[name],
    natsUrl: o.natsUrl,
    redisUrl: o.redisUrl,
    namespace: o.namespace,
    redisPrefix: `${o.namespace}:`,
    streamStorage: o.streamStorage,
    l2ChainId: o.l2ChainId,
    l1RpcUrl,
    l1ChainId,
    coinbase: DEVNET_COINBASE,
    files: { ...files, hashdbDataDir: join(o.dir, 'hashdb') },
    l1Confirmations: 1,
  };
}

/**
 * Starts the whole devnet: checks NATS and Redis, clears what a previous run left, starts the
 * hardhat L1 (interval mining), writes the L2 genesis and deploys the contracts, then starts every
 * service as its own supervised process once the services it needs have started, and resolves
 * when every service reports ready and the L2 RPC answers. On failure everything started is
 * stopped again before the error is thrown.
 */
export async function startDevnet(o: DevnetOptions): Promise<Devnet> {
  const log = o.log ?? (() => undefined);
  const timeoutMs = o.startTimeoutMs ?? 120_000;
  for (const [what, url, hint] of [['NATS', o.natsUrl, 'nats-server -js'], ['Redis', o.redisUrl, 'redis-server']] as const) {
    const { host, port } = hostPort(url.replace(/^nats:/, 'http:').replace(/^redis:/, 'http:'));
    if (!(await listening(host, port))) throw new Error(`${what} is not listening at ${url}: run \`bash deploy/local/setup.sh\` (starts ${hint}) or set ${what === 'NATS' ? 'NATS_URL' : 'REDIS_URL'}`);
  }
  mkdirSync(o.dir, { recursive: true });
  clearPrevious(o.dir, log);
  const ports = await allocatePorts(o.ports);
  if (o.ports === 'fixed') {
    const taken: string[] = [];
    const all: [string, number][] = [[L1_NAME, ports.l1], ...SERVICES.flatMap((s) => Object.entries(ports.services[s.name]).map(([k, p]) => [`${s.name} ${k}`, p] as [string, number]))];
    for (const [what, port] of all) if (await listening('127.0.0.1', port, 300)) taken.push(`${port} (${what})`);
    if (taken.length > 0) throw new Error(`ports in use: ${taken.join(', ')}; is another devnet or service running?`);
  }
  await resetDevnetState(o);

  const logDir = join(o.dir, 'logs');
  const pidFile = join(o.dir, 'pids.json');
  let fatal: ((err: Error) => void) | undefined;
  const supervisor = new Supervisor({
    logDir, initialBackoffMs: 500, maxBackoffMs: 30_000, stableAfterMs: 60_000, maxLogBytes: 64 << 20,
    env: { [DEVNET_MARK]: o.dir },
    onEvent: (e: SupervisorEvent) => {
      if (e.kind === 'started') {
        writeFileSync(pidFile, JSON.stringify({ supervisor: process.pid, root: o.root, children: supervisor.pids() } satisfies PidFile));
        if (e.restarts > 0) log(`${e.name} restarted (pid ${e.pid}, restart ${e.restarts})`);
      } else {
        const how = e.signal ?? `code ${e.code}`;
        if (e.restartInMs === null) fatal?.(new Error(`${e.name} exited (${how}); see ${supervisor.logFile(e.name)}`));
        else log(`${e.name} exited (${how}); restarting in ${e.restartInMs} ms (log: ${supervisor.logFile(e.name)})`);
      }
    },
  });

  track(supervisor);
  o.onSupervisor?.(supervisor);
  try {
    // L1: hardhat keeps its chain in memory, so it is never restarted on its own: its exit ends the devnet.
    const l1RpcUrl = `http://127.0.0.1:${ports.l1}`;
    supervisor.start({
      name: L1_NAME,
      command: process.execPath,
      args: [require.resolve('hardhat/internal/cli/cli', { paths: [join(o.root, 'deploy/l1')] }), '--config', 'hardhat.config.js', 'node', '--hostname', '127.0.0.1', '--port', String(ports.l1)],
      cwd: join(o.root, 'deploy/l1'),
      env: { HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true', DO_NOT_TRACK: '1', L1_BLOCK_TIME_MS: String(o.l1BlockTimeMs) },
      restart: false,
    });
    // Registered in the same tick as the spawn: no output can arrive before it.
    const l1Started = supervisor.waitForLine(L1_NAME, (l) => l.includes('Started HTTP and WebSocket JSON-RPC server'), timeoutMs);
    fatal = (err) => o.onFatal?.(err);
    await l1Started;
    const l1ChainId = Number(await jsonRpc<string>(l1RpcUrl, 'eth_chainId'));
    log(`L1 node up at ${l1RpcUrl} (chain ${l1ChainId}, a block every ${o.l1BlockTimeMs} ms)`);

    const chain: PreparedChain = await prepareChain({ root: o.root, dir: o.dir, l1RpcUrl, l2ChainId: o.l2ChainId, loadAccounts: o.loadAccounts, logFile: join(logDir, 'deploy.log') });
    log(`contracts deployed (rollup ${chain.deployment.contracts.rollup}); L2 genesis root ${chain.genesis.root} funds ${chain.genesis.accounts.length} accounts`);

    const topology = devnetTopology(o, ports.services, l1RpcUrl, l1ChainId);
    await startServices(supervisor, o, topology, timeoutMs, log);

    const rpcPort = ports.services.rpc.http!;
    const l2RpcUrl = `http://127.0.0.1:${rpcPort}`;
    await until(async () => Number(await jsonRpc<string>(l2RpcUrl, 'eth_chainId', [], 2000)) === o.l2ChainId, 'the L2 RPC to answer eth_chainId', timeoutMs);
    // The sequencer writes the genesis block into the StateDB after it started: until then the RPC has no `latest`.
    await until(async () => (await jsonRpc<unknown>(l2RpcUrl, 'eth_getBlockByNumber', ['latest', false], 2000)) !== null, 'the L2 genesis block', timeoutMs);

    const info: DevnetInfo = {
      startedAt: new Date().toISOString(),
      dir: o.dir,
      l1: { rpcUrl: l1RpcUrl, chainId: l1ChainId, blockTimeMs: o.l1BlockTimeMs, log: supervisor.logFile(L1_NAME) },
      l2: { rpcUrl: l2RpcUrl, wsUrl: `ws://127.0.0.1:${rpcPort}`, chainId: o.l2ChainId, genesisRoot: chain.genesis.root!, genesisTimestamp: chain.genesis.timestamp, coinbase: DEVNET_COINBASE },
      contracts: chain.deployment.contracts,
      roles: { admin: chain.deployment.roles.admin, trustedSequencer: chain.deployment.roles.trustedSequencer },
      nats: { url: o.natsUrl, namespace: o.namespace },
      redis: { url: o.redisUrl, prefix: `${o.namespace}:` },
      files: { ...chain.files, hashdbDataDir: topology.files.hashdbDataDir },
      accounts: { mnemonic: DEV_MNEMONIC, devAccounts: DEV_ACCOUNT_COUNT, loadAccounts: o.loadAccounts, loadAccountKeys: 'private key i = keccak256("zkseq-load-account-<i>")' },
      services: Object.fromEntries(
        SERVICES.map((s) => {
          const p = ports.services[s.name];
          return [s.name, { ports: p, log: supervisor.logFile(s.name), metricsUrl: `http://127.0.0.1:${p.metrics}/metrics`, readyUrl: `http://127.0.0.1:${p.metrics}/ready` }];
        }),
      ) as Record<ServiceName, ServiceInfo>,
    };
    writeFileSync(join(o.dir, 'devnet.json'), `${JSON.stringify(info, null, 2)}\n`);
    return new Devnet(info, supervisor, o);
  } catch (err) {
    await supervisor.stopAll(5_000);
    live.delete(supervisor);
    rmSync(pidFile, { force: true });
    throw err;
  }
}

/**
 * What the local devnet changes from the services' defaults: one client (a wallet, `pnpm load`)
 * sends everything from 127.0.0.1, so the RPC's per-IP rate limit is off.
 */
export const DEVNET_SERVICE_DEFAULTS: Partial<Record<ServiceName, Record<string, string>>> = {
  rpc: { RPC_RATE_LIMIT_PER_SEC: '0' },
};

/**
 * Services on the path every transaction takes from pool to closed batch. On a small machine the
 * devnet is CPU-bound, and when these wait for a core behind background work (L1, sequencing,
 * synchronizing) the pipeline stalls: ahead of them, the cores were idle 1.5-2.5 % of a loaded
 * run instead of 4-5 %, and the closure rate rose with it (deploy/devnet/README.md).
 */
const DEVNET_CRITICAL_PATH: readonly ServiceName[] = ['hashdb', 'executor', 'sequencer'];
const CRITICAL_PATH_NICE = -5;

const STARTED = (line: string) => line.includes('"msg":"started"');

async function ready(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return res.status === 200;
}

/** Starts each service once the services in its `after` list logged `started`; then waits for every /ready. */
async function startServices(supervisor: Supervisor, o: DevnetOptions, t: Topology, timeoutMs: number, log: (l: string) => void): Promise<void> {
  const started = new Map<ServiceName, Promise<void>>();
  const launch = (s: ServiceSpec): Promise<void> => {
    const existing = started.get(s.name);
    if (existing) return existing;
    const p = (async () => {
      await Promise.all(s.after.map((d) => launch(SERVICES.find((x) => x.name === d)!)));
      supervisor.start({
        name: s.name,
        command: process.execPath,
        args: [...(o.nodeArgs ?? []), join(o.root, serviceMain(s.name))],
        cwd: o.root,
        env: { LOG_LEVEL: 'info', ...s.env(t), ...DEVNET_SERVICE_DEFAULTS[s.name], ...o.serviceEnv?.[s.name] },
        nice: DEVNET_CRITICAL_PATH.includes(s.name) ? CRITICAL_PATH_NICE : undefined,
      });
      const up = supervisor.waitForLine(s.name, STARTED, timeoutMs);
      await up;
      log(`${s.name} started (pid ${supervisor.pid(s.name)})`);
    })();
    started.set(s.name, p);
    return p;
  };
  await Promise.all(SERVICES.map(launch));
  await Promise.all(
    SERVICES.map((s) => until(() => ready(`http://127.0.0.1:${t.ports(s.name).metrics}/ready`), `${s.name} to be ready (see ${supervisor.logFile(s.name)})`, timeoutMs)),
  );
}

