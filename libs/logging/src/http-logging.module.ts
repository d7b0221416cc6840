import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Module,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
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
 * `PORTICO_LOGGER`; without one (unit specs) nothing is logged. On Fastify, create the adapter with
 * `FASTIFY_REQUEST_ID_OPTIONS`: the request already has Fastify's id when pino-http sees it.
 *
 * Not for the gateway: pino-http makes child loggers per request, which the data plane's budget has no
 * room for; the gateway sets `X-Request-Id` itself and records every invocation in the app's log.
 */
@Module({})
export class HttpLoggingModule implements NestModule {
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
              genReqId: (req: IncomingMessage) => requestIdOf(req.headers[REQUEST_ID_HEADER]),
              customProps: (req: IncomingMessage) => {
                const appId = options.appIdOf(req.url ?? '');
                return appId === undefined ? {} : { appId };
              },
              // A probe or a scrape every few seconds is not worth a line each. A 5xx is a warning
              // here: the app's exception filter logs the error itself, once, with its `err`.
              customLogLevel: (req: IncomingMessage, res: ServerResponse, err?: Error) => {
                if (err !== undefined || res.statusCode >= 500) return 'warn';
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

  /** Sends the id back (runs after pino-http's middleware, which has set `req.id` if Fastify did not). */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply((req: IncomingMessage & { id?: unknown }, res: ServerResponse, next: () => void) => {
        if (typeof req.id === 'string') res.setHeader(REQUEST_ID_HEADER, req.id);
        next();
      })
      .forRoutes({ path: '*', method: RequestMethod.ALL });
  }
}
