import { latencyBuckets } from '@zkseq/service';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DispatchObserver } from './jsonrpc';

/** Every metric of the rpc service. */
export function createRpcMetrics(registry: Registry) {
  const registers = [registry];
  const calls = new Counter({ name: 'rpc_calls_total', help: 'JSON-RPC calls by method and outcome (ok or the JSON-RPC error code)', labelNames: ['method', 'outcome'], registers });
  const callSeconds = new Histogram({ name: 'rpc_call_seconds', help: 'JSON-RPC call latency by method', labelNames: ['method'], buckets: latencyBuckets, registers });
  // Labelled children are looked up once: the per-call hot path then skips label hashing.
  const callChildren = new Map<string, Counter.Internal>();
  const latencyChildren = new Map<string, Histogram.Internal<'method'>>();
  const observer: DispatchObserver = {
    call(method, outcome, seconds) {
      const key = `${method}\u0000${outcome}`;
      let c = callChildren.get(key);
      if (!c) callChildren.set(key, (c = calls.labels(method, String(outcome))));
      c.inc();
      if (method === 'unknown') return;
      let h = latencyChildren.get(method);
      if (!h) latencyChildren.set(method, (h = callSeconds.labels(method)));
      h.observe(seconds);
    },
  };
  return {
    observer,
    httpRequests: new Counter({ name: 'rpc_http_requests_total', help: 'HTTP requests by status code', labelNames: ['status'], registers }),
    rateLimited: new Counter({ name: 'rpc_rate_limited_total', help: 'Requests refused by the per-IP rate limit', labelNames: ['transport'], registers }),
    wsConnections: new Gauge({ name: 'rpc_ws_connections', help: 'Open WebSocket connections', registers }),
    subscriptions: new Gauge({ name: 'rpc_subscriptions', help: 'Active eth_subscribe subscriptions', registers }),
    notifications: new Counter({ name: 'rpc_notifications_total', help: 'eth_subscription notifications sent', labelNames: ['kind'], registers }),
    notificationsDropped: new Counter({ name: 'rpc_notifications_dropped_total', help: 'Notifications dropped because a client did not read fast enough', registers }),
  };
}

export type RpcMetrics = ReturnType<typeof createRpcMetrics>;
