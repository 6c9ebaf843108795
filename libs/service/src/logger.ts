import pino, { type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout. Log-level policy: `error` = needs an operator, `warn` = degraded but
 * self-healing, `info` = lifecycle and per-batch events, `debug` = per-transaction detail.
 * Secrets (private keys) are never logged; config is logged with `redact` paths removed.
 */
export function createLogger(service: string, level: LevelWithSilent = 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['*.privateKey', '*.PRIVATE_KEY', '*.*_PRIVATE_KEY', '*.mnemonic'], censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}
