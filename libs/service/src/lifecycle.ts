import { z } from 'zod';
import type { Registry } from 'prom-client';
import { ConfigError, env, parseEnv } from './config';
import { createLogger, type Logger } from './logger';
import { createRegistry } from './metrics';
import { startOpsServer, type ReadinessCheck } from './ops-server';
import { withTimeout } from './resilience';

/** Env variables every service accepts (merged into each service's own schema). */
export function opsEnvShape(defaultMetricsPort: number) {
  return {
    LOG_LEVEL: env.logLevel(),
    METRICS_HOST: env.string('127.0.0.1'),
    METRICS_PORT: env.port(defaultMetricsPort),
    SHUTDOWN_TIMEOUT_MS: env.int(10_000),
  };
}

export type OpsEnv = { LOG_LEVEL: z.infer<ReturnType<typeof env.logLevel>>; METRICS_HOST: string; METRICS_PORT: number; SHUTDOWN_TIMEOUT_MS: number };

export type ServiceContext = {
  name: string;
  logger: Logger;
  registry: Registry;
  /** Aborted when shutdown begins; long-running loops stop on it. */
  signal: AbortSignal;
  /** Registers a closer; closers run in reverse registration order on shutdown. */
  onShutdown(name: string, close: () => Promise<void> | void): void;
  addReadiness(check: ReadinessCheck): void;
  /** Stops the service with an error (exit code 1), e.g. when a critical invariant breaks. */
  fail(err: unknown): void;
};

export type ServiceDefinition<S extends z.ZodObject> = {
  name: string;
  config: S;
  start(ctx: ServiceContext, config: z.infer<S> & OpsEnv): Promise<void>;
};

/**
 * Runs a service: validates the env (clear error naming each bad variable, exit 2), starts the
 * ops endpoints, calls `start`, and on SIGTERM/SIGINT runs the registered closers within
 * SHUTDOWN_TIMEOUT_MS before exiting 0.
 */
export async function runService<S extends z.ZodObject>(def: ServiceDefinition<S>): Promise<void> {
  let config: z.infer<S> & OpsEnv;
  try {
    config = parseEnv(def.config) as z.infer<S> & OpsEnv;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${def.name}: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(def.name, config.LOG_LEVEL);
  const registry = createRegistry(def.name);
  const controller = new AbortController();
  const closers: { name: string; close: () => Promise<void> | void }[] = [];
  const readiness: ReadinessCheck[] = [];
  let stopping = false;

  const shutdown = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    controller.abort(new Error(`shutdown: ${reason}`));
    const closeAll = async () => {
      for (const c of closers.reverse()) {
        try {
          await c.close();
        } catch (err) {
          logger.error({ err, closer: c.name }, 'error while closing');
        }
      }
    };
    try {
      await withTimeout(closeAll(), config.SHUTDOWN_TIMEOUT_MS, 'shutdown');
      logger.info('stopped');
    } catch (err) {
      logger.error({ err }, 'shutdown did not finish in time');
      code = code || 1;
    }
    logger.flush();
    process.exit(code);
  };

  const ctx: ServiceContext = {
    name: def.name,
    logger,
    registry,
    signal: controller.signal,
    onShutdown: (name, close) => closers.push({ name, close }),
    addReadiness: (check) => readiness.push(check),
    fail: (err) => {
      logger.fatal({ err }, 'fatal error');
      void shutdown('fatal error', 1);
    },
  };

  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('uncaughtException', (err) => ctx.fail(err));
  process.on('unhandledRejection', (err) => ctx.fail(err));

  // Not ready until `start` has finished: the service's own checks are only registered there.
  let started = false;
  readiness.push({ name: 'started', check: () => started });
  const ops = await startOpsServer({ host: config.METRICS_HOST, port: config.METRICS_PORT, registry, readiness });
  closers.push({ name: 'ops-server', close: () => ops.close() });
  logger.info({ metricsPort: ops.port }, 'ops endpoints listening');
  try {
    await def.start(ctx, config);
  } catch (err) {
    ctx.fail(err);
    return;
  }
  started = true;
  logger.info('started');
}
