// Docker without Docker: the Dockerfiles, the compose file, the Prometheus/Grafana files and the
// k8s base are the ones generated from the service list (so they cannot drift from the devnet);
// every service has a multi-stage Dockerfile ending as the unprivileged user; compose wires every
// service as the devnet does; and the images' deploy step, run here for real, yields a package
// that loads (contract ABIs included) outside the workspace.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVNET_SERVICE_DEFAULTS, devnetTopology } from '../deploy/devnet/src/devnet';
import { composeServices, composeTopology, RUNTIME_USER } from '../deploy/devnet/src/docker';
import { staleFiles } from '../deploy/devnet/src/generate';
import { SERVICES } from '../deploy/devnet/src/services';

jest.setTimeout(180_000);

const root = join(__dirname, '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

describe('generated deployment files', () => {
  it('are committed as generated (pnpm --filter @zkseq/devnet run generate)', () => {
    expect(staleFiles(root)).toEqual([]);
  });
});

describe('Dockerfiles', () => {
  it.each(SERVICES.map((s) => [s.name, s] as const))('%s: multi-stage, non-root, its package, its ports', (name, s) => {
    const text = read(`deploy/docker/${name}.Dockerfile`);
    const lines = text.split('\n');
    const froms = lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(froms[0][0]).toMatch(/ AS build$/);
    const final = lines.slice(froms[froms.length - 1][1]);
    expect(final).toContain(`USER ${RUNTIME_USER}`);
    expect(final.findIndex((l) => l.startsWith('USER '))).toBeLessThan(final.findIndex((l) => l.startsWith('CMD ')));
    expect(final.some((l) => /^USER (root|0)\b/.test(l))).toBe(false);
    expect(final).toContain('CMD ["node", "dist/main.js"]');
    expect(text).toContain(`RUN sh deploy/docker/deploy-package.sh ${s.packageName} /out`);
    expect((JSON.parse(read(`services/${name}/package.json`)) as { name: string }).name).toBe(s.packageName);
    const exposed = final.find((l) => l.startsWith('EXPOSE '))!.split(' ').slice(1).map(Number).sort();
    expect(exposed).toEqual([s.ports.grpc, s.ports.http, s.ports.metrics].filter((p) => p !== undefined).sort());
  });

  it('build context ignores what the images build themselves', () => {
    const ignore = read('.dockerignore').split('\n');
    for (const p of ['**/node_modules', '**/dist', '.devnet']) expect(ignore).toContain(p);
  });
});

describe('compose file', () => {
  const compose = composeServices(read('deploy/docker/compose.yaml'));

  it('runs NATS, Redis, the L1, the init step and every service of the list', () => {
    for (const infra of ['nats', 'redis', 'l1', 'init']) expect(compose[infra]).toBeDefined();
    const apps = Object.keys(compose).filter((n) => !['nats', 'redis', 'l1', 'init', 'prometheus', 'grafana'].includes(n));
    expect(apps.sort()).toEqual(SERVICES.map((s) => s.name).sort());
    expect(compose.prometheus.profiles).toEqual(['observability']);
  });

  it.each(SERVICES.map((s) => [s.name, s] as const))('%s: the devnet\'s wiring with container addresses, its ports, after init', (name, s) => {
    const c = compose[name];
    expect(c.build).toEqual({ context: '../..', dockerfile: `deploy/docker/${name}.Dockerfile` });
    expect(existsSync(join(root, 'deploy/docker', `${name}.Dockerfile`))).toBe(true);
    expect(c.environment).toEqual({ LOG_LEVEL: 'info', ...s.env(composeTopology()), ...DEVNET_SERVICE_DEFAULTS[name] });
    // Same variables as the devnet sets (only the values differ: hosts, files).
    const devnetEnv = s.env(devnetTopology({ dir: '/x', namespace: 'n', natsUrl: 'nats://h:1', redisUrl: 'redis://h:2', streamStorage: 'file', l2ChainId: 1001 } as never, Object.fromEntries(SERVICES.map((x) => [x.name, x.ports])) as never, 'http://l1:1', 1));
    expect(Object.keys(c.environment!).filter((k) => k !== 'LOG_LEVEL' && !(k in (DEVNET_SERVICE_DEFAULTS[name] ?? {}))).sort()).toEqual(Object.keys(devnetEnv).sort());
    expect(c.ports).toEqual([s.ports.grpc, s.ports.http, s.ports.metrics].filter((p) => p !== undefined).map((p) => `${p}:${p}`));
    expect((c.depends_on as Record<string, { condition: string }>).init).toEqual({ condition: 'service_completed_successfully' });
    for (const d of s.after) expect((c.depends_on as Record<string, { condition: string }>)[d]).toEqual({ condition: 'service_healthy' });
    expect(c.volumes).toContain('devnet:/devnet:ro');
  });
});

describe('the images\' deploy step', () => {
  const out = mkdtempSync(join(tmpdir(), 'zkseq-deploy-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('packs sequence-sender with its production dependencies and the contract ABIs; it loads outside the workspace', () => {
    const dest = join(out, 'app');
    execFileSync('sh', ['deploy/docker/deploy-package.sh', '@zkseq/svc-sequence-sender', dest], { cwd: root, stdio: 'pipe' });
    expect(existsSync(join(dest, 'dist/main.js'))).toBe(true);
    const abi = execFileSync(process.execPath, ['-e', "process.stdout.write(String(require('@zkseq/contracts').loadArtifact('ZkEvmRollup').abi.length))"], { cwd: dest, encoding: 'utf8' });
    expect(Number(abi)).toBeGreaterThan(0);
    // The whole module graph loads; the bad setting then stops it with the config exit code.
    const res = spawnSync(process.execPath, ['dist/main.js'], { cwd: dest, env: { ...process.env, SEQSENDER_MAX_TX_BYTES: '1' }, encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('SEQSENDER_MAX_TX_BYTES');
  });
});
