// One place to run the built services as real processes in tests: spawn `services/<name>/dist/main.js`,
// parse its pino JSON lines, wait for a log line, read its /metrics, SIGTERM or SIGKILL it. Every
// process started here is killed when the test process exits, so a failing test leaves none behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

export type ServiceProcess = {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Every JSON log line so far. */
  logs: LogLine[];
  /** stderr and non-JSON stdout. */
  text: string[];
  metricsPort: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line (past or future) for which `match` is true. */
  waitForLog(match: (l: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** Sum of a metric's samples (all label sets, or those containing `labels`, e.g. `event="confirmed"`). */
  metric(name: string, labels?: string): Promise<number>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
};

const live = new Set<ChildProcess>();
let exitHook = false;

export const serviceMain = (name: string) => join(__dirname, '..', '..', 'services', name, 'dist', 'main.js');

/**
 * Starts a service and resolves once it logged `readyMsg` (or right away without one). The
 * process gets a free metrics port and `LOG_LEVEL` info unless `env` says otherwise.
 */
export async function spawnService(name: string, env: Record<string, string>, readyMsg?: string, timeoutMs = 60_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [serviceMain(name)], {
    env: { ...process.env, METRICS_HOST: '127.0.0.1', METRICS_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  if (!exitHook) {
    exitHook = true;
    const killAll = () => {
      for (const c of live) c.kill('SIGKILL');
    };
    process.once('exit', killAll);
    // A test run stopped from outside: exit (which runs every 'exit' hook, the L1 node's too).
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.once(sig, () => {
        killAll();
        process.exit(sig === 'SIGTERM' ? 143 : 130);
      });
    }
  }
  const logs: LogLine[] = [];
  const text: string[] = [];
  const waiters = new Set<(l: LogLine) => void>();
  let metricsPort = 0;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let entry: LogLine;
    try {
      entry = JSON.parse(line) as LogLine;
    } catch {
      text.push(line);
      return;
    }
    logs.push(entry);
    if (entry.msg === 'ops endpoints listening') metricsPort = entry.metricsPort as number;
    for (const w of [...waiters]) w(entry);
  });
  child.stderr!.on('data', (d: Buffer) => text.push(d.toString()));
  const describe = () => `${name} (pid ${child.pid}) output:\n${[...text, ...logs.slice(-60).map((l) => JSON.stringify(l))].join('\n')}`;

  const waitForLog = (match: (l: LogLine) => boolean, what: string, ms = 60_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const found = logs.find(match);
      if (found) return resolve(found);
      const done = (err: Error | null, l?: LogLine) => {
        clearTimeout(timer);
        waiters.delete(onLine);
        if (err) reject(err);
        else resolve(l!);
      };
      const onLine = (l: LogLine) => {
        if (match(l)) done(null, l);
      };
      const timer = setTimeout(() => done(new Error(`timed out after ${ms} ms waiting for ${what} from ${describe()}`)), ms);
      waiters.add(onLine);
      void exited.then(({ code, signal }) => done(new Error(`${name} exited (${code ?? signal}) while waiting for ${what}; ${describe()}`)));
    });

  const proc: ServiceProcess = {
    name,
    child,
    pid: child.pid!,
    logs,
    text,
    get metricsPort() {
      return metricsPort;
    },
    exited,
    waitForLog,
    metric: async (metric, labels) => {
      const body = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      let total = 0;
      for (const line of body.split('\n')) {
        if (!line.startsWith(metric) || (line[metric.length] !== ' ' && line[metric.length] !== '{')) continue;
        if (labels && !line.includes(labels)) continue;
        total += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return total;
    },
    kill9: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  if (readyMsg) {
    try {
      await waitForLog((l) => l.msg === readyMsg, `"${readyMsg}"`, timeoutMs);
    } catch (err) {
      await proc.kill9();
      throw err;
    }
  }
  return proc;
}

/** Polls `check` until it returns something other than undefined; for states that announce themselves nowhere. */
export async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
