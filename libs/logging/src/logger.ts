import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * The platform's structured logger: one JSON object per line on stdout, `service` on every line.
 * Authorization headers, API keys, secrets and user credentials are redacted wherever they appear under these paths.
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
        // application-auth credentials (reference §3.2) and the jobs that carry them
        'req.headers.password',
        'req.headers.jwttokenstring',
        'headers.password',
        'headers.jwtTokenString',
        'password',
        '*.password',
        'userAuth',
        '*.userAuth',
        'refreshToken',
        '*.refreshToken',
      ],
      censor: '[redacted]',
    },
    formatters: { level: (label) => ({ level: label }) },
  });
}
