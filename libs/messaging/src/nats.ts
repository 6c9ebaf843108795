import {
  AckPolicy,
  DeliverPolicy,
  JSONCodec,
  RetentionPolicy,
  StorageType,
  connect,
  type ConsumerConfig,
  type JetStreamClient,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import { streamSubjects, streams, type Namespace, type Streams } from './subjects';

const json = JSONCodec();

export function encode<T>(msg: T): Uint8Array {
  return json.encode(msg);
}

export function decode<T>(data: Uint8Array): T {
  return json.decode(data) as T;
}

export type NatsOptions = {
  url: string;
  name: string;
  /** Skip the stack capture nats.js does for every request (a hot-path cost for high-rate request/reply). */
  noAsyncTraces?: boolean;
};

/** Connects and keeps reconnecting forever; callers watch `closed()` for a final failure. */
export function connectNats(opts: NatsOptions): Promise<NatsConnection> {
  return connect({
    servers: opts.url, name: opts.name, maxReconnectAttempts: -1, reconnectTimeWait: 500, waitOnFirstConnect: true, noAsyncTraces: opts.noAsyncTraces ?? false,
  });
}

export type StreamOptions = {
  /** File storage in production; memory for throw-away test namespaces. */
  storage: 'file' | 'memory';
  /** Window in which a repeated msgID is dropped by the server. */
  duplicateWindowMs: number;
};

/** The part of a service's lifecycle (libs/service ServiceContext) the connection helpers use. */
export type ServiceHooks = {
  name: string;
  onShutdown(name: string, close: () => Promise<void> | void): void;
  addReadiness(check: { name: string; check: () => boolean }): void;
};

/**
 * A service's NATS connection: named after the service, drained at shutdown, part of its
 * readiness, with the JetStream streams of `namespace` ensured (created or updated).
 */
export async function connectServiceNats(ctx: ServiceHooks, o: { url: string; namespace: Namespace; storage: StreamOptions['storage'] }): Promise<NatsConnection> {
  const nc = await connectNats({ url: o.url, name: ctx.name });
  ctx.onShutdown('nats', () => nc.drain());
  ctx.addReadiness({ name: 'nats', check: () => !nc.isClosed() });
  await ensureStreams(nc, o.namespace, { storage: o.storage });
  return nc;
}

const defaultStreamOptions: StreamOptions = { storage: 'file', duplicateWindowMs: 10 * 60_000 };

/** Creates (or updates) the system's JetStream streams; idempotent, called by every producer. */
export async function ensureStreams(nc: NatsConnection, ns: Namespace, opts: Partial<StreamOptions> = {}): Promise<Streams> {
  const o = { ...defaultStreamOptions, ...opts };
  const jsm = await nc.jetstreamManager();
  const names = streams(ns);
  const subs = streamSubjects(ns);
  for (const key of Object.keys(names) as (keyof Streams)[]) {
    const config = {
      name: names[key],
      subjects: subs[key],
      storage: o.storage === 'file' ? StorageType.File : StorageType.Memory,
      retention: RetentionPolicy.Limits,
      duplicate_window: o.duplicateWindowMs * 1_000_000,
      max_age: 7 * 24 * 3600 * 1_000_000_000,
    };
    try {
      await jsm.streams.info(names[key]);
      await jsm.streams.update(names[key], config);
    } catch {
      await jsm.streams.add(config);
    }
  }
  return names;
}

/** Deletes a namespace's streams (test clean-up). */
export async function deleteStreams(nc: NatsConnection, ns: Namespace): Promise<void> {
  const jsm = await nc.jetstreamManager();
  for (const name of Object.values(streams(ns))) await jsm.streams.delete(name).catch(() => undefined);
}

/** Publishes to JetStream; `msgId` lets the server drop a repeat within the duplicate window. */
export async function publishDurable<T>(js: JetStreamClient, subject: string, msg: T, msgId: string): Promise<{ seq: number; duplicate: boolean }> {
  const ack = await js.publish(subject, encode(msg), { msgID: msgId });
  return { seq: ack.seq, duplicate: ack.duplicate };
}

export type DurableConsumerOptions<T> = {
  stream: string;
  durable: string;
  filterSubject: string;
  /** Bound on unacknowledged messages held by this consumer (the queue bound). */
  maxAckPending: number;
  /** Messages whose handler throws are redelivered after this delay. */
  retryDelayMs: number;
  deliverPolicy?: 'all' | 'new';
  handler: (msg: T, raw: JsMsg) => Promise<void>;
  onError: (err: unknown, raw: JsMsg) => void;
  signal: AbortSignal;
};

/**
 * Runs a durable pull consumer: each message is acknowledged only after its handler resolved,
 * so a crash redelivers it. Handlers must be idempotent. Resolves when `signal` aborts.
 */
export async function consumeDurable<T>(js: JetStreamClient, nc: NatsConnection, opts: DurableConsumerOptions<T>): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const config: Partial<ConsumerConfig> = {
    durable_name: opts.durable,
    ack_policy: AckPolicy.Explicit,
    filter_subject: opts.filterSubject,
    max_ack_pending: opts.maxAckPending,
    deliver_policy: opts.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
    ack_wait: 30_000_000_000,
  };
  try {
    await jsm.consumers.info(opts.stream, opts.durable);
  } catch {
    await jsm.consumers.add(opts.stream, config);
  }
  const consumer = await js.consumers.get(opts.stream, opts.durable);
  const messages = await consumer.consume({ max_messages: Math.min(opts.maxAckPending, 256) });
  const stop = () => void messages.close();
  opts.signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const raw of messages) {
      try {
        await opts.handler(decode<T>(raw.data), raw);
        raw.ack();
      } catch (err) {
        opts.onError(err, raw);
        raw.nak(opts.retryDelayMs);
      }
      if (opts.signal.aborted) break;
    }
  } finally {
    opts.signal.removeEventListener('abort', stop);
  }
}
