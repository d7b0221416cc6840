import type { INestApplication, INestMicroservice } from '@nestjs/common';
import type { CustomStrategy } from '@nestjs/microservices';
import { RedisDeploymentEventsPublisher, RegistryRpcServer } from '@portico/cluster';
import type { PorticoConfig } from '@portico/config';
import { createLogger, type Logger } from '@portico/logging';
import { DeploymentEvents } from '../deployments/deployment-events.service';
import { STRUCTURED_LOGGER } from '../registry.constants';

/**
 * Cluster mode of the registry (DESIGN (1), (3)): connects Nest's Redis transport to the registry app,
 * answering `clusterNames(prefix).registryPatterns` from `SnapshotService`, and re-publishes every
 * `DeploymentEvents` event on `clusterNames(prefix).deploymentEvents`. Starts the transport (call it
 * once, instead of `app.startAllMicroservices()`, before or after `app.listen`); `app.close()` stops
 * both. Requires `config.transport.kind === 'redis'`.
 */
export async function connectRegistryRpc(
  app: INestApplication,
  config: PorticoConfig,
): Promise<INestMicroservice> {
  const { transport } = config;
  if (transport.kind !== 'redis') {
    throw new Error('connectRegistryRpc needs REDIS_URL (cluster mode)');
  }
  const logger =
    app.get<Logger | null>(STRUCTURED_LOGGER, { strict: false }) ??
    createLogger(config.logs.level, { service: 'registry' });
  const publisher = new RedisDeploymentEventsPublisher({
    redisUrl: transport.url,
    prefix: transport.prefix,
    logger,
  });
  publisher.attach(app.get(DeploymentEvents, { strict: false }));
  const strategy = new RegistryRpcServer({
    redisUrl: transport.url,
    prefix: transport.prefix,
    onClose: () => publisher.close(),
  });
  const options: CustomStrategy = { strategy };
  const microservice = app.connectMicroservice(options);
  try {
    await app.startAllMicroservices();
  } catch (err) {
    await publisher.close();
    throw err;
  }
  return microservice;
}
