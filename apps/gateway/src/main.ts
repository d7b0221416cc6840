import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Module } from '@nestjs/common';
import Redis from 'ioredis';
import { ADMISSION_CONTROLLER, INVOCATION_TRANSPORT, REGISTRY_CLIENT } from '@portico/contracts';
import type { PorticoConfig } from '@portico/config';
import {
  BullInvocationTransport,
  ReadinessService,
  RedisAdmissionController,
  RedisRegistryClient,
  redisOptionsFromUrl,
  requireRedis,
  runService,
} from '@portico/cluster';
import { LoggingModule, type Logger } from '@portico/logging';
import { GatewayModule, createGatewayApp } from './gateway.module';

/**
 * The gateway as its own service (cluster mode): the data plane on PORT; invocations go through the
 * BullMQ queue of the app's pool and come back on this instance's reply channel; snapshots come from
 * the registry over Redis RPC; admission counters are shared with the other gateways through Redis.
 */
async function start(config: PorticoConfig, logger: Logger) {
  const { url: redisUrl, prefix } = requireRedis(config, 'gateway');
  // Unique per process: workers answer on this instance's own reply channel.
  const gatewayId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const transport = new BullInvocationTransport({
    redisUrl,
    prefix,
    gatewayId,
    logger: logger.child({ component: 'queue' }),
  });
  const registryClient = new RedisRegistryClient({
    redisUrl,
    prefix,
    logger: logger.child({ component: 'registry-client' }),
  });
  // Admission must fail fast when Redis is away, never queue commands offline.
  const admissionRedis = new Redis({
    ...redisOptionsFromUrl(redisUrl),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
  });
  admissionRedis.on('error', () => undefined); // reconnects by itself; readiness reports the outage

  @Module({
    imports: [
      LoggingModule.forRoot(logger),
      GatewayModule.forRoot({
        registryClient: { provide: REGISTRY_CLIENT, useValue: registryClient },
        transport: { provide: INVOCATION_TRANSPORT, useValue: transport },
        admission: {
          provide: ADMISSION_CONTROLLER,
          useValue: new RedisAdmissionController(admissionRedis, { prefix }),
        },
      }),
    ],
  })
  class GatewayRoot {}
  const app = await createGatewayApp(GatewayRoot, config);
  app
    .get(ReadinessService, { strict: false })
    .register(
      { name: 'redis', check: () => admissionRedis.ping() },
      { name: 'queue', check: () => transport.isHealthy() },
    );
  await app.listen(config.http.port, config.http.host);
  const address = app.getHttpServer().address();
  const url = `http://${config.http.host}:${typeof address === 'object' && address ? address.port : config.http.port}`;
  logger.info({ url, gatewayId }, `data plane listening on ${url}`);
  return {
    close: async () => {
      // Stop accepting and let in-flight requests finish (their replies still arrive), then disconnect.
      await app.close();
      await transport.close();
      await registryClient.close();
      admissionRedis.disconnect();
    },
  };
}

runService('gateway', start);
