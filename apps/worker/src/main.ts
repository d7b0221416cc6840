import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { REGISTRY_CLIENT, type InvocationJob } from '@portico/contracts';
import { ConfigModule, type PorticoConfig } from '@portico/config';
import {
  InvocationConsumer,
  ReadinessService,
  RedisRegistryClient,
  requireRedis,
  runService,
  startHealthServer,
} from '@portico/cluster';
import { LoggingModule, PinoNestLogger, type Logger } from '@portico/logging';
import { WorkerMetrics } from '@portico/metrics';
import { StoreModule } from '@portico/store';
import { InvocationService } from './invocation.service';
import { sandboxReadiness } from './sandbox-readiness';
import { WorkerModule } from './worker.module';

/**
 * A worker as its own service (cluster mode): consumes its pool's invocation queue, runs each job in
 * the sandbox, answers on the calling gateway's reply channel. Health on WORKER_HEALTH_PORT.
 */
async function start(config: PorticoConfig, logger: Logger) {
  const { url: redisUrl, prefix } = requireRedis(config, 'worker');
  const registryClient = new RedisRegistryClient({
    redisUrl,
    prefix,
    logger: logger.child({ component: 'registry-client' }),
  });
  @Module({
    imports: [
      ConfigModule.forRoot(config),
      LoggingModule.forRoot(logger),
      StoreModule.forRoot(),
      WorkerModule.forRoot({ registryClient: { provide: REGISTRY_CLIENT, useValue: registryClient } }),
    ],
  })
  class WorkerRoot {}
  const context = await NestFactory.createApplicationContext(WorkerRoot, {
    logger: new PinoNestLogger(logger),
  });
  const invocations = context.get(InvocationService);
  const metrics = context.get(WorkerMetrics);
  const consumer = new InvocationConsumer({
    redisUrl,
    prefix,
    pool: config.workerPool,
    logger: logger.child({ component: 'queue' }),
    invoke: (job: InvocationJob) => invocations.invoke(job),
    onJobStarted: (waitMs) => metrics.jobWaited(waitMs / 1000),
  });
  metrics.watchQueue(() => consumer.jobCounts());
  const readiness = new ReadinessService();
  readiness.register(
    { name: 'queue', check: () => consumer.isHealthy() },
    { name: 'redis', check: () => registryClient.ready() },
    sandboxReadiness(context),
  );
  const health = await startHealthServer({
    port: config.http.workerHealthPort,
    host: config.http.host,
    readiness,
    metrics: true,
  });
  const url = `http://${config.http.host}:${health.port}`;
  logger.info(
    { url, pool: config.workerPool },
    `worker consuming pool '${config.workerPool}' (health on ${url})`,
  );
  return {
    close: async () => {
      // Finish the jobs already taken (their callers are waiting), then stop the sandbox and the store.
      await consumer.close();
      await health.close();
      await context.close();
      await registryClient.close();
    },
  };
}

runService('worker', start);
