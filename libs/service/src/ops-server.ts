import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A named readiness condition, e.g. "nats connected" or "genesis loaded". */
export type ReadinessCheck = { name: string; check: () => boolean | Promise<boolean> };

export type OpsServerOptions = {
  host: string;
  port: number;
  registry: Registry;
  readiness: ReadinessCheck[];
};

export type OpsServer = { server: Server; port: number; close(): Promise<void> };

/**
 * `/metrics` (Prometheus text), `/health` (liveness: the event loop answers) and `/ready`
 * (every readiness check passes; 503 with the failing names otherwise).
 */
export async function startOpsServer(opts: OpsServerOptions): Promise<OpsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'GET') return reply(405, '{"error":"method not allowed"}');
    if (path === '/health') return reply(200, '{"status":"ok"}');
    if (path === '/ready') {
      void Promise.all(
        opts.readiness.map(async (r) => ({ name: r.name, ok: await Promise.resolve(r.check()).catch(() => false) })),
      ).then((results) => {
        const failing = results.filter((r) => !r.ok).map((r) => r.name);
        reply(failing.length === 0 ? 200 : 503, JSON.stringify({ ready: failing.length === 0, failing }));
      });
      return;
    }
    if (path === '/metrics') {
      void opts.registry.metrics().then(
        (text) => reply(200, text, opts.registry.contentType),
        (err: Error) => reply(500, JSON.stringify({ error: err.message })),
      );
      return;
    }
    reply(404, '{"error":"not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
