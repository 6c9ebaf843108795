// The devnet's process supervisor with small node scripts: a log file per process, restarts with
// doubling backoff after crashes, no restart for a process marked final, SIGTERM then SIGKILL on
// stop, and no restart once stopping.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive } from '../deploy/devnet/src/net';
import { Supervisor, type SupervisorEvent } from '../deploy/devnet/src/supervisor';

jest.setTimeout(60_000);

const node = (name: string, script: string, restart = true) => ({ name, command: process.execPath, args: ['-e', script], env: { ZK_TEST: name }, cwd: tmpdir(), restart });


describe('Supervisor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkseq-supervisor-'));
  const events: SupervisorEvent[] = [];
  const waiters: { match: (e: SupervisorEvent) => boolean; resolve: () => void }[] = [];
  const until = (match: (e: SupervisorEvent) => boolean) =>
    new Promise<void>((resolve) => {
      if (events.some(match)) return resolve();
      waiters.push({ match, resolve });
    });
  const sup = new Supervisor({
    logDir: dir, initialBackoffMs: 20, maxBackoffMs: 80, stableAfterMs: 60_000,
    onEvent: (e) => {
      events.push(e);
      for (const w of [...waiters]) if (w.match(e)) w.resolve();
    },
  });

  afterAll(async () => {
    await sup.stopAll(2000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('restarts a crashing process with doubling backoff up to the cap and logs every run', async () => {
    sup.start(node('crasher', 'console.log("run", process.env.ZK_TEST); console.error("oops"); process.exit(3)'));
    await until((e) => e.kind === 'started' && e.name === 'crasher' && e.restarts === 4);
    const delays = events.filter((e): e is Extract<SupervisorEvent, { kind: 'exited' }> => e.kind === 'exited' && e.name === 'crasher').map((e) => e.restartInMs);
    expect(delays.slice(0, 4)).toEqual([20, 40, 80, 80]);
    expect(events.filter((e) => e.kind === 'exited' && e.name === 'crasher').every((e) => e.kind === 'exited' && e.code === 3)).toBe(true);
    const log = readFileSync(sup.logFile('crasher'), 'utf8');
    expect(log.match(/run crasher/g)!.length).toBeGreaterThanOrEqual(4);
    expect(log).toContain('oops');
    expect(log).toContain('[supervisor] crasher exited (3); restarting in 20 ms');
  });

  it('does not restart a final process and rejects its line waiters', async () => {
    sup.start(node('final', 'setTimeout(() => process.exit(0), 50)', false));
    await expect(sup.waitForLine('final', (l) => l === 'never printed', 30_000)).rejects.toThrow(/not restarted/);
    expect(events.filter((e) => e.kind === 'started' && e.name === 'final')).toHaveLength(1);
    expect(events).toContainEqual({ kind: 'exited', name: 'final', code: 0, signal: null, restartInMs: null });
  });

  it("sets a process's niceness, and its session's where the kernel has autogroups; logs what it cannot set", async () => {
    sup.start({ ...node('background', 'console.log("up"); setInterval(() => {}, 1000)'), nice: 7 });
    await sup.waitForLine('background', (l) => l === 'up', 30_000);
    const pid = sup.pid('background')!;
    expect(getPriority(pid)).toBe(7);
    if (existsSync(`/proc/${pid}/autogroup`)) expect(readFileSync(`/proc/${pid}/autogroup`, 'utf8')).toMatch(/ nice 7$/m);

    sup.start({ ...node('impossible', 'console.log("up"); setInterval(() => {}, 1000)'), nice: -99 });
    await sup.waitForLine('impossible', (l) => l === 'up', 30_000);
    expect(getPriority(sup.pid('impossible')!)).toBe(0);
    expect(readFileSync(sup.logFile('impossible'), 'utf8')).toContain("[supervisor] cannot set impossible's niceness to -99");
  });

  it('waits for a line of the current run, then stops with SIGTERM or, when ignored, SIGKILL', async () => {
    sup.start(node('polite', 'console.log("ready now"); process.on("SIGTERM", () => { console.log("bye"); process.exit(0); }); setInterval(() => {}, 1000)'));
    await sup.waitForLine('polite', (l) => l === 'ready now', 30_000);
    sup.start(node('stubborn', 'process.on("SIGTERM", () => console.log("ignoring SIGTERM")); console.log("up"); setInterval(() => {}, 1000)'));
    await sup.waitForLine('stubborn', (l) => l === 'up', 30_000);
    const pids = [sup.pid('polite')!, sup.pid('stubborn')!];
    await sup.stopAll(300);
    expect(pids.map(alive)).toEqual([false, false]);
    expect(readFileSync(sup.logFile('polite'), 'utf8')).toContain('bye');
    expect(readFileSync(sup.logFile('stubborn'), 'utf8')).toContain('ignoring SIGTERM');
    const stopped = events.length;
    await new Promise((r) => setTimeout(r, 200));
    // Nothing restarted after the stop, crasher included.
    expect(events.slice(stopped).filter((e) => e.kind === 'started')).toEqual([]);
    expect(sup.isRunning('crasher')).toBe(false);
    expect(() => sup.start(node('late', ''))).toThrow(/stopping/);
  });
});
