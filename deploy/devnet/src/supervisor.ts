import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, renameSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export type ProcessSpec = {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** false: an exit is final (e.g. an in-memory L1 whose chain a restart would not bring back). */
  restart?: boolean;
  /**
   * Scheduling niceness (-20..19). Each process is its own session, and with Linux's autogroups a
   * session's niceness, not a process's, sets its CPU share against other sessions; so both are
   * set. Lowering it below 0 needs CAP_SYS_NICE: without it the process runs at 0 (logged).
   */
  nice?: number;
};

export type SupervisorOptions = {
  logDir: string;
  /** First restart delay; doubles per consecutive crash up to maxBackoffMs. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** A process that stayed up this long resets its backoff. */
  stableAfterMs: number;
  /** A log file past this size is moved to `<name>.log.1` (one generation kept). */
  maxLogBytes?: number;
  /** Added to every process's environment (under each spec's own env). */
  env?: Record<string, string>;
  onEvent?: (event: SupervisorEvent) => void;
};

export type SupervisorEvent =
  | { kind: 'started'; name: string; pid: number; restarts: number }
  | { kind: 'exited'; name: string; code: number | null; signal: string | null; restartInMs: number | null };

type LineWaiter = { match: (line: string) => boolean; resolve: (line: string) => void; reject: (err: Error) => void };

type Managed = {
  spec: ProcessSpec;
  child: ChildProcess | null;
  log: WriteStream;
  logBytes: number;
  backoffMs: number;
  startedAt: number;
  restarts: number;
  timer: NodeJS.Timeout | null;
  waiters: Set<LineWaiter>;
};

/**
 * Runs processes, writes each one's stdout and stderr to `<logDir>/<name>.log`, restarts a
 * crashed process with exponential backoff, and stops everything (SIGTERM, then SIGKILL after a
 * grace period) on request.
 */
export class Supervisor {
  private readonly managed = new Map<string, Managed>();
  private stopping = false;

  constructor(private readonly opts: SupervisorOptions) {
    mkdirSync(opts.logDir, { recursive: true });
  }

  logFile(name: string): string {
    return join(this.opts.logDir, `${name}.log`);
  }

  start(spec: ProcessSpec): void {
    if (this.stopping) throw new Error(`supervisor is stopping; not starting ${spec.name}`);
    if (this.managed.has(spec.name)) throw new Error(`${spec.name} is already supervised`);
    const m: Managed = {
      spec, child: null, log: this.openLog(spec.name, 'w'), logBytes: 0, backoffMs: this.opts.initialBackoffMs, startedAt: 0, restarts: 0, timer: null, waiters: new Set(),
    };
    this.managed.set(spec.name, m);
    this.launch(m);
  }

  pid(name: string): number | undefined {
    return this.managed.get(name)?.child?.pid;
  }

  /** Every live child's pid by name. */
  pids(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, m] of this.managed) if (m.child?.pid) out[name] = m.child.pid;
    return out;
  }

  restarts(name: string): number {
    return this.managed.get(name)?.restarts ?? 0;
  }

  isRunning(name: string): boolean {
    const c = this.managed.get(name)?.child;
    return !!c && c.exitCode === null && c.signalCode === null;
  }

  /**
   * Resolves with the first stdout line of `name`'s current or a later run that `match` accepts;
   * rejects after `timeoutMs` or if the process exits and will not be restarted.
   */
  waitForLine(name: string, match: (line: string) => boolean, timeoutMs: number): Promise<string> {
    const m = this.managed.get(name);
    if (!m) return Promise.reject(new Error(`${name} is not supervised`));
    return new Promise<string>((resolve, reject) => {
      const waiter: LineWaiter = {
        match,
        resolve: (line) => {
          clearTimeout(timer);
          m.waiters.delete(waiter);
          resolve(line);
        },
        reject: (err) => {
          clearTimeout(timer);
          m.waiters.delete(waiter);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        m.waiters.delete(waiter);
        reject(new Error(`${name}: no matching log line within ${timeoutMs} ms (see ${this.logFile(name)})`));
      }, timeoutMs);
      m.waiters.add(waiter);
    });
  }

  private openLog(name: string, flags: 'w' | 'a'): WriteStream {
    return createWriteStream(this.logFile(name), { flags });
  }

  private write(m: Managed, chunk: Buffer): void {
    m.log.write(chunk);
    m.logBytes += chunk.length;
    const max = this.opts.maxLogBytes;
    if (max && m.logBytes > max) {
      m.log.end();
      const file = this.logFile(m.spec.name);
      try {
        if (statSync(file).size > 0) renameSync(file, `${file}.1`);
      } catch {
        // nothing to rotate
      }
      m.log = this.openLog(m.spec.name, 'w');
      m.logBytes = 0;
    }
  }

  private launch(m: Managed): void {
    m.timer = null;
    // Its own process group: a terminal's Ctrl-C reaches only the supervisor, which then stops
    // the processes in order instead of all of them dying at once.
    const child = spawn(m.spec.command, m.spec.args, { cwd: m.spec.cwd, env: { ...process.env, ...this.opts.env, ...m.spec.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    m.child = child;
    m.startedAt = Date.now();
    child.stdout!.on('data', (d: Buffer) => this.write(m, d));
    child.stderr!.on('data', (d: Buffer) => this.write(m, d));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      for (const w of [...m.waiters]) if (w.match(line)) w.resolve(line);
    });
    child.once('error', (err) => this.write(m, Buffer.from(`[supervisor] cannot start ${m.spec.name}: ${err.message}\n`)));
    if (child.pid && m.spec.nice !== undefined) this.renice(m, child.pid, m.spec.nice);
    if (child.pid) this.opts.onEvent?.({ kind: 'started', name: m.spec.name, pid: child.pid, restarts: m.restarts });
    child.once('exit', (code, signal) => {
      if (m.child === child) m.child = null;
      if (this.stopping) return;
      const restart = m.spec.restart !== false;
      if (Date.now() - m.startedAt > this.opts.stableAfterMs) m.backoffMs = this.opts.initialBackoffMs;
      const delay = restart ? m.backoffMs : null;
      this.write(m, Buffer.from(`[supervisor] ${m.spec.name} exited (${signal ?? code})${delay === null ? '' : `; restarting in ${delay} ms`}\n`));
      this.opts.onEvent?.({ kind: 'exited', name: m.spec.name, code, signal, restartInMs: delay });
      if (delay === null) {
        for (const w of [...m.waiters]) w.reject(new Error(`${m.spec.name} exited (${signal ?? code}) and is not restarted (see ${this.logFile(m.spec.name)})`));
        return;
      }
      m.backoffMs = Math.min(this.opts.maxBackoffMs, m.backoffMs * 2);
      m.restarts++;
      m.timer = setTimeout(() => this.launch(m), delay);
    });
  }

  private renice(m: Managed, pid: number, nice: number): void {
    const failed: string[] = [];
    try {
      setPriority(pid, nice);
    } catch (err) {
      failed.push(`process: ${(err as Error).message}`);
    }
    try {
      writeFileSync(`/proc/${pid}/autogroup`, String(nice));
    } catch (err) {
      // ENOENT: not Linux, or a kernel without autogroups (then the process's niceness is what counts).
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') failed.push(`session: ${(err as Error).message}`);
    }
    if (failed.length > 0) this.write(m, Buffer.from(`[supervisor] cannot set ${m.spec.name}'s niceness to ${nice} (${failed.join('; ')}); it runs at its default\n`));
  }

  /**
   * Stops every process, most recently started first, each with SIGTERM then SIGKILL after
   * `graceMs`; pending restarts are cancelled. Safe to call more than once.
   */
  async stopAll(graceMs: number): Promise<void> {
    this.stopping = true;
    for (const m of [...this.managed.values()].reverse()) {
      if (m.timer) clearTimeout(m.timer);
      m.timer = null;
      const child = m.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    await Promise.all([...this.managed.values()].map((m) => new Promise<void>((resolve) => m.log.end(resolve))));
  }

  /** Last resort when this process is about to exit without awaiting stopAll (no grace). */
  killAllNow(): void {
    this.stopping = true;
    for (const m of this.managed.values()) {
      if (m.timer) clearTimeout(m.timer);
      m.child?.kill('SIGKILL');
    }
  }
}
