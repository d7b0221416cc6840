import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule, type Params } from 'nestjs-pino';
import pino, { type Logger } from 'pino';
import { PORTICO_LOGGER } from './logging.module';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';

/** Options of `HttpLoggingModule.forRoot`. */
export interface HttpLoggingOptions {
  /** The app a request is about, from its URL (`undefined` when none): logged as `appId`. */
  appIdOf(url: string): string | undefined;
}

/**
 * Request logging for a Nest HTTP application that is not a hot path (the registry's admin API), with
 * nestjs-pino: one access line per request with method, URL, headers (credentials redacted by the
 * root logger), status and time; every line logged while the request runs carries its `requestId`
 * (nestjs-pino keeps the request's logger in AsyncLocalStorage); the id is the client's sane
 * `X-Request-Id` or a new one, and is sent back in `X-Request-Id`. The root logger is the process's
 * `PORTICO_LOGGER`; without one (unit specs) nothing is logged.
 *
 * Not for the gateway: pino-http makes child loggers per request, which the data plane's budget has no
 * room for; the gateway sets `X-Request-Id` itself and records every invocation in the app's log.
 */
@Module({})
export class HttpLoggingModule {
  static forRoot(options: HttpLoggingOptions): DynamicModule {
    return {
      module: HttpLoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [{ token: PORTICO_LOGGER, optional: true }],
          useFactory: (logger?: Logger): Params => ({
            pinoHttp: {
              logger: logger ?? pino({ level: 'silent' }),
              autoLogging: logger !== undefined,
              quietReqLogger: true,
              customAttributeKeys: { reqId: 'requestId', responseTime: 'ms' },
              genReqId: (req: IncomingMessage, res: ServerResponse) => {
                const id = requestIdOf(req.headers[REQUEST_ID_HEADER]);
                res.setHeader(REQUEST_ID_HEADER, id);
                return id;
              },
              customProps: (req: IncomingMessage) => {
                const appId = options.appIdOf(req.url ?? '');
                return appId === undefined ? {} : { appId };
              },
              // A probe or a scrape every few seconds is not worth a line each.
              customLogLevel: (req: IncomingMessage, res: ServerResponse, err?: Error) => {
                if (err !== undefined || res.statusCode >= 500) return 'error';
                const path = (req.url ?? '').split('?')[0];
                return path === '/healthz' || path === '/readyz' || path === '/metrics' ? 'debug' : 'info';
              },
            },
          }),
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
