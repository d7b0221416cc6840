import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { HealthModule, InProcessAdmissionController } from '@portico/cluster';
import { ConfigModule, type PorticoConfig } from '@portico/config';
import { ADMISSION_CONTROLLER, ErrorCode } from '@portico/contracts';
import { createAtlasCodecRegistry } from '@portico/formats';
import { PinoNestLogger, PORTICO_LOGGER, type Logger } from '@portico/logging';
import { GatewayMetrics, MetricsModule } from '@portico/metrics';
import { CatchAllRoute } from './catch-all-route.service';
import { DataApiPipeline } from './data-api/data-api-pipeline.service';
import { ClientApiService } from './client-api/client-api.service';
import { EndpointPipeline } from './endpoint-pipeline.service';
import { ATLAS_CODECS } from './gateway.constants';
import { DeletedAppMetrics } from './metrics/deleted-app-metrics.service';
import { sendAtlasError, type ErrorReply } from './reply/error-body';
import { newRequestId, REQUEST_ID_HEADER } from './request/request-id';
import { RouterCache } from './routing/router-cache.service';

export interface GatewayModuleOptions {
  /** Provides `REGISTRY_CLIENT` (in-process in standalone mode, Redis RPC in cluster mode). */
  registryClient: Provider;
  /** Provides `INVOCATION_TRANSPORT` (in-process in standalone mode, BullMQ in cluster mode). */
  transport: Provider;
  /**
   * Provides `ADMISSION_CONTROLLER` (per-app rate and concurrency limits). Default: exact counters in
   * this process (standalone); cluster mode passes the Redis adapter so all gateways share the counts.
   */
  admission?: Provider;
}

/** The default admission: counts in this process only. */
const inProcessAdmission: Provider = {
  provide: ADMISSION_CONTROLLER,
  useFactory: () => new InProcessAdmissionController(),
};

/**
 * The data plane (DESIGN "gateway"). Expects `PORTICO_CONFIG` and `PORTICO_LOGGER` from global modules;
 * everything it knows about apps comes through the two ports given here. It never reads tenant data
 * and never runs tenant code.
 */
@Module({})
export class GatewayModule {
  static forRoot(options: GatewayModuleOptions): DynamicModule {
    return {
      module: GatewayModule,
      // `/healthz` and `/readyz`; the composing main registers readiness checks on `ReadinessService`.
      imports: [
        HealthModule.forRoot({ headers: () => ({ [REQUEST_ID_HEADER]: newRequestId() }) }),
        // `/metrics`: the process's registry (in standalone mode it holds the worker's and registry's too).
        MetricsModule,
      ],
      providers: [
        options.registryClient,
        options.transport,
        options.admission ?? inProcessAdmission,
        { provide: ATLAS_CODECS, useFactory: createAtlasCodecRegistry },
        { provide: GatewayMetrics, useFactory: () => GatewayMetrics.on() },
        DeletedAppMetrics,
        RouterCache,
        DataApiPipeline,
        ClientApiService,
        EndpointPipeline,
        CatchAllRoute,
      ],
    };
  }
}

type FastifyAdapterOptions = NonNullable<ConstructorParameters<typeof FastifyAdapter>[0]>;

/**
 * Creates the gateway's Nest application on Fastify, initialised but not listening: the caller does
 * `await app.listen(config.http.port, config.http.host)` and, on shutdown, `await app.close()`.
 * `module` imports `GatewayModule.forRoot(...)` and provides `PORTICO_LOGGER` globally (see apps/cli
 * standalone); `config` becomes `PORTICO_CONFIG`.
 */
export async function createGatewayApp(
  module: DynamicModule | Type<unknown>,
  config: PorticoConfig,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    logger: false,
    requestIdHeader: false,
    return503OnClosing: true,
    // The gateway uses no Nest middleware; without middie no middleware hook runs on every request.
    skipMiddie: true,
    // Errors of Fastify's router, raised before any handler (e.g. a malformed percent escape in the path).
    frameworkErrors: (error, _request, genericReply) => {
      // The hook's reply is generic over every server flavour; its `send` cannot be typed for a string.
      const reply = genericReply as unknown as ErrorReply;
      reply.header(REQUEST_ID_HEADER, newRequestId());
      sendAtlasError(
        reply,
        { code: ErrorCode.InvalidParameter, message: error.message, status: 400 },
        undefined,
      );
    },
  } satisfies FastifyAdapterOptions);

  @Module({ imports: [ConfigModule.forRoot(config), module] })
  class GatewayRoot {}

  const app = await NestFactory.create<NestFastifyApplication>(GatewayRoot, adapter, {
    bodyParser: false,
    abortOnError: false,
    bufferLogs: true,
  });
  app.useLogger(new PinoNestLogger(app.get<Logger>(PORTICO_LOGGER, { strict: false })));
  app.flushLogs();
  drainKeepAliveOnClose(app);
  await app.init();
  return app;
}

/**
 * Graceful drain: once `close()` starts, answers still in flight go out with `Connection: close`, so
 * their keep-alive sockets end with them. Without it, a socket that was busy when closing began
 * turns idle afterwards and holds the server open for the whole keep-alive timeout (72 s in Fastify).
 */
function drainKeepAliveOnClose(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
}
