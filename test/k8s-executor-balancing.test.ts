// Client-side load balancing over executor replicas, as the Kubernetes manifests use it (the
// sequencer and rpc reach executors through a headless Service, `dns:///executor-headless:50071`):
// a resolver-qualified target spreads calls round-robin over every address; a plain host:port
// stays on one replica. Real processes: one hashdb and two executors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecutorClient } from '@zkseq/grpc';
import { freePorts } from '../deploy/devnet/src/net';
import { spawnService, type ServiceProcess } from './harness/processes';
import { startHashDb, type HashDbProcess } from './hashdb-process';

jest.setTimeout(120_000);

describe('executor client balancing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkseq-k8s-lb-'));
  let hashdb: HashDbProcess;
  const executors: ServiceProcess[] = [];
  let ports: number[] = [];
  const clients: ExecutorClient[] = [];

  beforeAll(async () => {
    hashdb = await startHashDb({ HASHDB_DATA_DIR: join(dir, 'hashdb') });
    ports = await freePorts(2);
    for (const port of ports) {
      executors.push(await spawnService('executor', { HASHDB_URL: hashdb.grpcAddress, EXECUTOR_GRPC_PORT: String(port), LOG_LEVEL: 'info' }, 'executor listening'));
    }
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    for (const e of executors) await e.stop();
    if (hashdb && hashdb.child.exitCode === null) {
      hashdb.child.kill('SIGTERM');
      await hashdb.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const served = () => Promise.all(executors.map((e) => e.metric('executor_request_seconds_count', 'method="getFlushStatus"')));
  const client = (address: string) => {
    const c = new ExecutorClient({ address, policy: { deadlineMs: 10_000 } });
    clients.push(c);
    return c;
  };

  it('spreads calls over every address of a resolver-qualified target', async () => {
    const before = await served();
    const c = client(`ipv4:127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}`);
    // Round-robin only uses connected replicas; once both are, calls alternate.
    for (let i = 0; i < 200; i++) {
      await c.getFlushStatus();
      const now = await served();
      if (now.every((n, k) => n - before[k] >= 10)) break;
    }
    const after = await served();
    expect(after[0] - before[0]).toBeGreaterThanOrEqual(10);
    expect(after[1] - before[1]).toBeGreaterThanOrEqual(10);
  });

  it('keeps a plain host:port on one replica, and resolves dns:/// names', async () => {
    const before = await served();
    const plain = client(`127.0.0.1:${ports[1]}`);
    for (let i = 0; i < 20; i++) await plain.getFlushStatus();
    const mid = await served();
    expect(mid[0] - before[0]).toBe(0);
    expect(mid[1] - before[1]).toBe(20);

    const dns = client(`dns:///localhost:${ports[0]}`);
    for (let i = 0; i < 5; i++) await dns.getFlushStatus();
    const after = await served();
    expect(after[0] - mid[0]).toBe(5);
  });
});
