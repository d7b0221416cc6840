import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Where credentials can appear in a log line: request headers as pino-http and our own code log them,
 * and fields named like a credential one level down. Values become `[redacted]`.
 */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers.apikey',
  'req.headers["api-key"]',
  'req.headers["x-api-key"]',
  'req.headers.password',
  'req.headers.jwttokenstring',
  'req.headers["endpoint-signature"]',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.apiKey',
  'headers.apikey',
  'headers["api-key"]',
  'headers.password',
  'headers.jwtTokenString',
  'secret',
  'key',
  'token',
  'password',
  '*.secret',
  '*.key',
  '*.token',
  '*.password',
  '*.apiKey',
  '*.api_key',
  '*.jwtTokenString',
  // what a job carries for application auth (reference §3.2) and the client session API
  'userAuth',
  '*.userAuth',
  'refreshToken',
  '*.refreshToken',
  '*.refresh_token',
  '*.access_token',
];

/** The text that replaces a redacted value. */
export const REDACTED = '[redacted]';

/** Options of `createLogger` beyond level and bindings. */
export interface LoggerOptions {
  /**
   * Human-readable, coloured lines instead of JSON. Default: when stdout is a terminal (a developer
   * running `npm start`); JSON everywhere else (containers, pipes, tests).
   */
  pretty?: boolean;
  /** Where lines go. Default: stdout. Tests pass a stream to capture them. */
  destination?: DestinationStream;
}

/**
 * The platform's structured logger: one JSON object per line on stdout, `service` on every line, ISO
 * time, credentials redacted (`REDACTED_PATHS`).
 */
export function createLogger(
  level: string,
  bindings: Record<string, unknown> = {},
  options: LoggerOptions = {},
): Logger {
  const settings: pino.LoggerOptions = {
    level,
    base: { pid: process.pid, ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACTED_PATHS], censor: REDACTED },
    formatters: { level: (label) => ({ level: label }) },
  };
  if (options.destination !== undefined) return pino(settings, options.destination);
  if (options.pretty ?? process.stdout.isTTY === true) return pino(settings, prettyStream());
  return pino(settings);
}

/** pino-pretty, loaded only when wanted: production processes never pay for it. */
function prettyStream(): DestinationStream {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return pretty.build({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}
