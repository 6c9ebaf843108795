import { latencyBuckets } from '@zkseq/service';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DispatchObserver } from './jsonrpc';

/** Every metric of the rpc service. */
export function createRpcMetrics(registry: Registry) {
  const registers = [registry];
  const calls = new Counter({ name: 'rpc_calls_total', help: 'JSON-RPC calls by method and outcome (ok or the JSON-RPC error code)', labelNames: ['method', 'outcome'], registers });
  const callSeconds = new Histogram({ name: 'rpc_call_seconds', help: 'JSON-RPC call latency by method', labelNames: ['method'], buckets: latencyBuckets, registers });
  const observer: DispatchObserver = {
    call(method, outcome, seconds) {
      calls.inc({ method, outcome: String(outcome) });
      if (method !== 'unknown') callSeconds.observe({ method }, seconds);
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
