import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A running `node services/hashdb/dist/main.js` (built by `pnpm build`), ports picked by the OS. */
export type HashDbProcess = { child: ChildProcess; grpcAddress: string; metricsUrl: string; logs: string[]; exited: Promise<number | null> };

export function startHashDb(env: Record<string, string>): Promise<HashDbProcess> {
  const child = spawn(process.execPath, [join(__dirname, '../services/hashdb/dist/main.js')], {
    // A small cache keeps start-up (prefault) fast.
    env: { ...process.env, HASHDB_GRPC_PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'info', HASHDB_CACHE_NODES: '100000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let metricsPort = 0;
    child.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      const msg = JSON.parse(line) as { msg: string; port?: number; metricsPort?: number };
      if (msg.metricsPort) metricsPort = msg.metricsPort;
      if (msg.msg === 'grpc listening') {
        resolve({ child, grpcAddress: `127.0.0.1:${msg.port}`, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, logs, exited });
      }
    });
    void exited.then((code) => reject(new Error(`hashdb exited with ${code} before listening:\n${logs.join('\n')}`)));
  });
}
