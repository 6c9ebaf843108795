export { ConfigError, env, parseEnv } from './config';
export { createLogger, type Logger } from './logger';
export { createRegistry, latencyBuckets } from './metrics';
export { startOpsServer, type OpsServer, type OpsServerOptions, type ReadinessCheck } from './ops-server';
export { sleep, withRetry, withTimeout, TimeoutError, type RetryOptions } from './resilience';
export { startBackgroundWork, type BackgroundWork } from './background';
export { opsEnvShape, runService, type OpsEnv, type ServiceContext, type ServiceDefinition } from './lifecycle';
