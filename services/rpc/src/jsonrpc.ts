import { CodedError, isCodedError, JsonRpcCode, RpcErrorCode, wireCodes, type ErrorCode } from '@zkseq/errors';
import type { Logger } from '@zkseq/service';

export type JsonRpcId = string | number | null;
export type JsonRpcError = { code: number; message: string; data?: unknown };
export type JsonRpcResponse = { jsonrpc: '2.0'; id: JsonRpcId; result?: unknown; error?: JsonRpcError };

/** What a handler knows about its caller; `subscriptions` only on WebSocket connections. */
export type CallContext = {
  ip: string;
  transport: 'http' | 'ws';
  subscriptions?: SubscriptionHost;
};

/** A WebSocket connection's side of eth_subscribe. */
export interface SubscriptionHost {
  subscribe(kind: string, params: unknown): string;
  unsubscribe(id: string): boolean;
}

export type Handler = (params: unknown, ctx: CallContext) => unknown;

/** Counters the dispatcher reports; wired to prom-client in metrics.ts. */
export type DispatchObserver = {
  call(method: string, outcome: 'ok' | number, seconds: number): void;
};

/** The JSON-RPC error object for any thrown value: coded errors through the one wire table, the rest internal. */
export function toJsonRpcError(err: unknown, logger?: Logger): JsonRpcError {
  if (isCodedError(err)) {
    const code = wireCodes[err.code as ErrorCode]?.jsonRpc ?? JsonRpcCode.SERVER_ERROR;
    return err.data === undefined ? { code, message: err.message } : { code, message: err.message, data: err.data };
  }
  logger?.error({ err }, 'unexpected error in a JSON-RPC handler');
  return { code: JsonRpcCode.INTERNAL_ERROR, message: 'internal error' };
}

export function errorResponse(id: JsonRpcId, err: unknown, logger?: Logger): JsonRpcResponse {
  return { jsonrpc: '2.0', id, error: toJsonRpcError(err, logger) };
}

function validId(v: unknown): v is JsonRpcId {
  return v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

export type DispatcherOptions = {
  maxBatch: number;
  /** Turns errors of lower layers (e.g. gRPC transport failures) into CodedErrors before mapping. */
  translateError?: (err: unknown) => unknown;
};

/**
 * JSON-RPC 2.0 envelope handling shared by HTTP and WebSocket: parse, batch limits, request
 * validation, method lookup, notifications (no reply), and error mapping. Handlers stay small
 * modules that take positional params and throw CodedErrors.
 */
export class Dispatcher {
  constructor(
    private readonly methods: ReadonlyMap<string, Handler>,
    private readonly opts: DispatcherOptions,
    private readonly logger: Logger,
    private readonly observer: DispatchObserver,
  ) {}

  /** Calls in a parsed body, what rate limiting counts; a batch over the limit is refused unexecuted and costs one. */
  cost(body: unknown): number {
    return Array.isArray(body) && body.length <= this.opts.maxBatch ? Math.max(1, body.length) : 1;
  }

  /** Parses `text`; a parse failure is returned as the error response to send. */
  parse(text: string): { ok: true; body: unknown } | { ok: false; response: JsonRpcResponse } {
    try {
      return { ok: true, body: JSON.parse(text) };
    } catch (err) {
      return { ok: false, response: errorResponse(null, new CodedError(RpcErrorCode.ParseError, `parse error: ${(err as Error).message}`)) };
    }
  }

  /** Handles a parsed body; null when nothing is to be sent back (only notifications). */
  async handle(body: unknown, ctx: CallContext): Promise<JsonRpcResponse | JsonRpcResponse[] | null> {
    if (!Array.isArray(body)) return this.handleOne(body, ctx);
    if (body.length === 0) return errorResponse(null, new CodedError(RpcErrorCode.InvalidRequest, 'empty batch'));
    if (body.length > this.opts.maxBatch) {
      return errorResponse(null, new CodedError(RpcErrorCode.BatchTooLarge, `batch too large: ${body.length} calls, limit ${this.opts.maxBatch}`, {
        size: body.length, limit: this.opts.maxBatch,
      }));
    }
    const out = (await Promise.all(body.map((item) => this.handleOne(item, ctx)))).filter((r): r is JsonRpcResponse => r !== null);
    return out.length ? out : null;
  }

  private async handleOne(item: unknown, ctx: CallContext): Promise<JsonRpcResponse | null> {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return errorResponse(null, new CodedError(RpcErrorCode.InvalidRequest, 'invalid request: expected a JSON object'));
    }
    const req = item as Record<string, unknown>;
    const isNotification = !('id' in req);
    const id = validId(req.id) ? req.id : null;
    if (!isNotification && !validId(req.id)) {
      return errorResponse(null, new CodedError(RpcErrorCode.InvalidRequest, 'invalid request: id must be a string, a number or null'));
    }
    if (req.jsonrpc !== '2.0') return errorResponse(id, new CodedError(RpcErrorCode.InvalidRequest, 'invalid request: jsonrpc must be "2.0"'));
    if (typeof req.method !== 'string') return errorResponse(id, new CodedError(RpcErrorCode.InvalidRequest, 'invalid request: method must be a string'));
    const method = req.method;
    const handler = this.methods.get(method);
    const started = performance.now();
    if (!handler) {
      this.observer.call('unknown', JsonRpcCode.METHOD_NOT_FOUND, 0);
      if (isNotification) return null;
      return errorResponse(id, new CodedError(RpcErrorCode.MethodNotFound, `the method ${method.slice(0, 100)} does not exist/is not available`));
    }
    try {
      const result = await handler(req.params, ctx);
      this.observer.call(method, 'ok', (performance.now() - started) / 1000);
      return isNotification ? null : { jsonrpc: '2.0', id, result: result === undefined ? null : result };
    } catch (err) {
      const error = toJsonRpcError(this.opts.translateError ? this.opts.translateError(err) : err, this.logger);
      this.observer.call(method, error.code, (performance.now() - started) / 1000);
      return isNotification ? null : { jsonrpc: '2.0', id, error };
    }
  }
}
