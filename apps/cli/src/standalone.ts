import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { INVOCATION_TRANSPORT, REGISTRY_CLIENT, type RegistryClient } from '@portico/contracts';
import { ConfigModule, type PorticoConfig } from '@portico/config';
import { LoggingModule, PinoNestLogger, type Logger } from '@portico/logging';
import { initProcessMetrics } from '@portico/metrics';
import { StoreModule, openStore, type Store } from '@portico/store';
import { GatewayModule, createGatewayApp } from '../../gateway/src/gateway.module';
import { RegistryModule, createRegistryApp, resolveAdminToken } from '../../registry/src/registry.module';
import { ReadinessService } from '@portico/cluster';
import {
  InProcessInvocationTransport,
  InvocationService,
  WorkerModule,
  sandboxReadiness,
} from '../../worker/src';

export interface RunningPlatform {
  gatewayUrl: string;
  adminUrl: string;
  close(): Promise<void>;
}

/** A root module for one service of the standalone process: shared config, logger and store. */
function rootModule(
  name: string,
  config: PorticoConfig,
  logger: Logger,
  store: Store,
  feature: DynamicModule | typeof RegistryModule,
) {
  class Root {}
  Object.defineProperty(Root, 'name', { value: `${name}Root` });
  Module({
    imports: [
      ConfigModule.forRoot(config),
      LoggingModule.forRoot(logger),
      StoreModule.forRoot({ store }),
      feature,
    ],
  })(Root);
  return Root;
}

const urlOf = (app: NestFastifyApplication, host: string): string => {
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
};

/**
 * Standalone mode (DESIGN "standalone"): registry, worker and gateway in one process, wired with the
 * in-process transport and registry client and one shared store. The same modules run as separate
 * services in cluster mode; only this composition differs.
 */
export async function startStandalone(baseConfig: PorticoConfig, logger: Logger): Promise<RunningPlatform> {
  const { token, generated } = resolveAdminToken(baseConfig);
  const config: PorticoConfig = { ...baseConfig, adminToken: token };
  // One registry for the three services of this process, served on both ports' `/metrics`.
  initProcessMetrics('standalone');
  const store = await openStore(config);
  const contexts: INestApplicationContext[] = [];
  try {
    const registryApp = await createRegistryApp(
      rootModule('Registry', config, logger.child({ service: 'registry' }), store, RegistryModule),
      config,
    );
    contexts.push(registryApp);
    // Listen first: with ADMIN_PORT=0 the real port is known only now, and error links must name it.
    await registryApp.listen(config.http.adminPort, config.http.host);
    const adminUrl = urlOf(registryApp, config.http.host);
    const served: PorticoConfig = config.publicAdminUrlIsDefault
      ? { ...config, publicAdminUrl: adminUrl }
      : config;
    const registryClient = registryApp.get<RegistryClient>(REGISTRY_CLIENT);
    const registryProvider = { provide: REGISTRY_CLIENT, useValue: registryClient };

    const workerLogger = logger.child({ service: 'worker' });
    const worker = await NestFactory.createApplicationContext(
      rootModule(
        'Worker',
        served,
        workerLogger,
        store,
        WorkerModule.forRoot({ registryClient: registryProvider }),
      ),
      { logger: new PinoNestLogger(workerLogger) },
    );
    contexts.push(worker);
    const transport = new InProcessInvocationTransport(worker.get(InvocationService));

    const gatewayApp = await createGatewayApp(
      rootModule(
        'Gateway',
        served,
        logger.child({ service: 'gateway' }),
        store,
        GatewayModule.forRoot({
          registryClient: registryProvider,
          transport: { provide: INVOCATION_TRANSPORT, useValue: transport },
        }),
      ),
      served,
    );
    contexts.push(gatewayApp);
    // The data plane is ready only if functions can run: the in-process worker's sandbox is its dependency.
    gatewayApp.get(ReadinessService, { strict: false }).register(sandboxReadiness(worker));
    await gatewayApp.listen(config.http.port, config.http.host);
    const gatewayUrl = urlOf(gatewayApp, config.http.host);
    logger.info(
      { service: 'registry', url: adminUrl, docs: `${adminUrl}/admin/docs` },
      `admin API listening on ${adminUrl}`,
    );
    logger.info(
      { service: 'worker', engine: config.sandbox.engine, store: store.kind },
      'worker ready (in-process)',
    );
    logger.info({ service: 'gateway', url: gatewayUrl }, `data plane listening on ${gatewayUrl}`);
    if (generated) {
      // Printed once, on the run that created it; later runs read it from the data dir.
      logger.info(
        { adminToken: token, file: `${config.dataDir}/admin-token` },
        'generated an admin token (stored in the data dir)',
      );
    }

    let closing: Promise<void> | undefined;
    return {
      gatewayUrl,
      adminUrl,
      close: () =>
        (closing ??= (async () => {
          // Stop taking requests first, then let the worker finish and flush, then the store.
          for (const ctx of [...contexts].reverse()) await ctx.close();
          await store.close();
        })()),
    };
  } catch (err) {
    for (const ctx of contexts.reverse()) await ctx.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
}
