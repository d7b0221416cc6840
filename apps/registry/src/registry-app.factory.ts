import type { DynamicModule, LoggerService, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { PorticoConfig } from '@portico/config';
import { FASTIFY_REQUEST_ID_OPTIONS, PinoNestLogger, type Logger } from '@portico/logging';
import { recordAdminRequests } from './metrics/admin-request-metrics';
import { registerImportBodyParser } from './import/import-body.parser';
import { mountOpenApi } from './openapi/openapi.setup';
import { ADMIN_BODY_LIMIT_BYTES, STRUCTURED_LOGGER } from './registry.constants';

/** Options of `createRegistryApp`. */
export interface RegistryAppOptions {
  /** Nest's logger; default: the root module's `PORTICO_LOGGER` if it provides one, else Nest's console logger at `LOG_LEVEL`. */
  logger?: LoggerService;
}

const NEST_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const FIRST_HIDDEN_LEVEL: Record<string, number> = {
  silent: 0,
  fatal: 1,
  error: 2,
  warn: 3,
  info: 4,
  debug: 5,
  trace: 6,
};

function resolveLogger(
  app: NestFastifyApplication,
  config: PorticoConfig,
  explicit?: LoggerService,
): LoggerService | LogLevel[] {
  if (explicit) return explicit;
  const structured = app.get<Logger | null>(STRUCTURED_LOGGER);
  if (structured) return new PinoNestLogger(structured);
  // No structured logger in this composition (unit specs, ad-hoc scripts): Nest's own, at LOG_LEVEL.
  return NEST_LEVELS.slice(0, FIRST_HIDDEN_LEVEL[config.logs.level] ?? 4);
}

/**
 * Creates the registry's Nest application on Fastify, with the OpenAPI document and the docs UI
 * mounted; not listening yet (call `listen(config.http.adminPort, config.http.host)`). `rootModule`
 * must import `RegistryModule` and provide `PORTICO_CONFIG` and `STORE` globally.
 */
export async function createRegistryApp(
  rootModule: Type<unknown> | DynamicModule,
  config: PorticoConfig,
  options: RegistryAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: ADMIN_BODY_LIMIT_BYTES, ...FASTIFY_REQUEST_ID_OPTIONS });
  // The admin API speaks JSON only: Fastify's own JSON parser stays; Nest's form parser is not added
  // (`bodyParser: false`) and Fastify's text parser is dropped, so anything else gets 415.
  adapter.getInstance().removeContentTypeParser('text/plain');
  // …except the import route, which takes an archive (tar.gz or zip) as raw bytes.
  registerImportBodyParser(adapter.getInstance());
  recordAdminRequests(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  const logger = resolveLogger(app, config, options.logger);
  app.useLogger(logger);
  app.flushLogs();
  mountOpenApi(app);
  return app;
}
