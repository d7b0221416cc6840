import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * The platform's structured logger: one JSON object per line on stdout, `service` on every line.
 * Authorization headers, API keys and secrets are redacted wherever they appear under these paths.
 */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { pid: process.pid, ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.apikey',
        'req.headers["api-key"]',
        'headers.authorization',
        'headers.apiKey',
        'headers["api-key"]',
        'secret',
        'key',
        'token',
        '*.secret',
        '*.key',
        '*.token',
      ],
      censor: '[redacted]',
    },
    formatters: { level: (label) => ({ level: label }) },
  });
}
