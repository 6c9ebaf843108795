import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodedError, RpcErrorCode } from '@zkseq/errors';
import type { Logger } from '@zkseq/service';
import { WebSocketServer, type WebSocket } from 'ws';
import { errorResponse, type Dispatcher, type JsonRpcResponse } from './jsonrpc';
import type { RpcMetrics } from './metrics';
import type { RateLimiter } from './rate-limit';
import type { SubscriptionHub } from './subscriptions';

export type RpcServerOptions = { host: string; port: number; maxBodyBytes: number };

export type RpcServer = { server: Server; port: number; close(): Promise<void> };

/** An oversized body is drained up to this multiple of the limit before the connection is cut. */
const DRAIN_CAP_FACTOR = 4;

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, GET, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
};

function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * JSON-RPC over HTTP POST and WebSocket on one port. Limits before any work: body size (HTTP
 * 413 / WebSocket close 1009), per-IP rate limit counted per call (HTTP 429), then the
 * dispatcher's batch limit. Every refusal is still a JSON-RPC error object.
 */
export async function startRpcServer(
  dispatcher: Dispatcher,
  limiter: RateLimiter,
  hub: SubscriptionHub,
  metrics: RpcMetrics,
  logger: Logger,
  opts: RpcServerOptions,
): Promise<RpcServer> {
  const statusCounters = new Map<number, { inc(): void }>();
  const send = (res: ServerResponse, status: number, body: JsonRpcResponse | JsonRpcResponse[] | null, close = false) => {
    let counter = statusCounters.get(status);
    if (!counter) statusCounters.set(status, (counter = metrics.httpRequests.labels(String(status))));
    counter.inc();
    const text = body === null ? '' : JSON.stringify(body);
    res.writeHead(status, { ...CORS, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...(close ? { connection: 'close' } : {}) });
    res.end(text);
  };

  const tooLarge = () =>
    errorResponse(null, new CodedError(RpcErrorCode.BodyTooLarge, `request body too large: limit ${opts.maxBodyBytes} bytes`, { limit: opts.maxBodyBytes }));

  const rateLimited = (retryAfterMs: number) =>
    errorResponse(null, new CodedError(RpcErrorCode.RateLimited, 'rate limit exceeded', { retryAfterMs }));

  const onBody = async (req: IncomingMessage, res: ServerResponse, text: string) => {
    const parsed = dispatcher.parse(text);
    if (!parsed.ok) return send(res, 200, parsed.response);
    const wait = limiter.take(clientIp(req), dispatcher.cost(parsed.body));
    if (wait > 0) {
      metrics.rateLimited.inc({ transport: 'http' });
      res.setHeader('retry-after', String(Math.ceil(wait / 1000)));
      return send(res, 429, rateLimited(wait));
    }
    send(res, 200, await dispatcher.handle(parsed.body, { ip: clientIp(req), transport: 'http' }));
  };

  const server = createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS);
      res.end();
      return;
    }
    if (req.method !== 'POST') {
      send(res, 405, errorResponse(null, new CodedError(RpcErrorCode.InvalidRequest, 'JSON-RPC requests are POSTed (or sent over WebSocket)')));
      return;
    }
    // An oversized body is read and dropped before the 413 goes out: answering while the client is
    // still sending would make it see a broken pipe instead of the error. Past a hard cap the
    // connection is cut.
    const declared = Number(req.headers['content-length'] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = declared > opts.maxBodyBytes;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (!refused && size > opts.maxBodyBytes) {
        refused = true;
        chunks.length = 0;
      }
      if (!refused) chunks.push(chunk);
      else if (size > DRAIN_CAP_FACTOR * opts.maxBodyBytes) req.destroy();
    });
    req.on('end', () => {
      if (refused) return send(res, 413, tooLarge(), true);
      onBody(req, res, Buffer.concat(chunks).toString('utf8')).catch((err) => {
        logger.error({ err }, 'request handling failed');
        if (!res.headersSent) send(res, 500, errorResponse(null, err, logger));
      });
    });
    req.on('error', () => undefined);
  });
  server.keepAliveTimeout = 65_000;

  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxBodyBytes });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, clientIp(req)));
  });

  const onConnection = (ws: WebSocket, ip: string) => {
    metrics.wsConnections.inc();
    const subs = hub.attach(ws);
    const reply = (body: JsonRpcResponse | JsonRpcResponse[] | null) => {
      if (body !== null && ws.readyState === ws.OPEN) ws.send(JSON.stringify(body));
    };
    ws.on('message', (data) => {
      const parsed = dispatcher.parse(data.toString());
      if (!parsed.ok) return reply(parsed.response);
      const wait = limiter.take(ip, dispatcher.cost(parsed.body));
      if (wait > 0) {
        metrics.rateLimited.inc({ transport: 'ws' });
        return reply(rateLimited(wait));
      }
      dispatcher.handle(parsed.body, { ip, transport: 'ws', subscriptions: subs }).then(reply, (err) => {
        logger.error({ err }, 'websocket message handling failed');
        reply(errorResponse(null, err, logger));
      });
    });
    ws.on('error', (err) => logger.debug({ err }, 'websocket error'));
    ws.on('close', () => {
      subs.close();
      metrics.wsConnections.dec();
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
