import './esm-shims';
import { Module, type LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigModule, type PorticoConfig } from '@portico/config';
import { StoreModule, type Store } from '@portico/store';
import { RegistryModule, createRegistryApp } from '../registry.module';

/** A registry app listening on 127.0.0.1, port 0, over the given store. */
export interface RunningRegistry {
  app: NestFastifyApplication;
  baseUrl: string;
  close(): Promise<void>;
}

/** Boots the registry as a composer does: config, the given store (the caller closes it), RegistryModule. */
export async function startRegistry(
  config: PorticoConfig,
  store: Store,
  logger?: LoggerService,
): Promise<RunningRegistry> {
  @Module({ imports: [ConfigModule.forRoot(config), StoreModule.forRoot({ store }), RegistryModule] })
  class TestRoot {}

  const app = await createRegistryApp(TestRoot, config, { logger });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}
