import { Module } from '@nestjs/common';
import { ConfigModule, type PorticoConfig } from '@portico/config';
import { requireRedis, runService } from '@portico/cluster';
import { LoggingModule, type Logger } from '@portico/logging';
import { StoreModule } from '@portico/store';
import { RegistryModule, connectRegistryRpc, createRegistryApp, resolveAdminToken } from './registry.module';

/**
 * The registry as its own service (cluster mode): the admin API on ADMIN_PORT, route snapshots and
 * function bundles answered over Redis RPC, deployment changes published on Redis.
 */
async function start(baseConfig: PorticoConfig, logger: Logger) {
  requireRedis(baseConfig, 'registry');
  const { token, generated } = resolveAdminToken(baseConfig);
  const config: PorticoConfig = { ...baseConfig, adminToken: token };
  @Module({
    imports: [
      ConfigModule.forRoot(config),
      LoggingModule.forRoot(logger),
      StoreModule.forRoot(),
      RegistryModule,
    ],
  })
  class RegistryRoot {}
  const app = await createRegistryApp(RegistryRoot, config);
  await connectRegistryRpc(app, config);
  await app.listen(config.http.adminPort, config.http.host);
  const address = app.getHttpServer().address();
  const url = `http://${config.http.host}:${typeof address === 'object' && address ? address.port : config.http.adminPort}`;
  logger.info({ url, docs: `${url}/admin/docs` }, `admin API listening on ${url}`);
  if (generated)
    logger.info(
      { adminToken: token, file: `${config.dataDir}/admin-token` },
      'generated an admin token (stored in the data dir)',
    );
  return { close: () => app.close() };
}

runService('registry', start);
