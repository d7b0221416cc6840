import { Logger, Module } from '@nestjs/common';
import { ConfigModule, loadConfig } from '@portico/config';
import { StoreModule } from '@portico/store';
import { RegistryModule, createRegistryApp } from './registry.module';

/** The registry alone: admin API on ADMIN_PORT. Cluster-mode wiring (microservice transport) comes later. */
async function main(): Promise<void> {
  const config = loadConfig();
  class RegistryRoot {}
  Module({ imports: [ConfigModule.forRoot(config), StoreModule.forRoot(), RegistryModule] })(RegistryRoot);
  const app = await createRegistryApp(RegistryRoot, config);
  app.enableShutdownHooks();
  await app.listen(config.http.adminPort, config.http.host);
  new Logger('Registry').log(`admin API listening on ${await app.getUrl()} (docs: /admin/docs)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
