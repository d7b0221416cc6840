import { Module, type DynamicModule } from '@nestjs/common';
import { HEALTH_OPTIONS, type HealthModuleOptions } from './health.constants';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';

/**
 * `/healthz` and `/readyz` for a Nest HTTP app on Fastify (gateway, registry). Exports
 * `ReadinessService`, where the composing main registers the process's dependencies. The worker,
 * which has no HTTP app, uses `startHealthServer` with the same `ReadinessService`.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions = {}): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [
        { provide: HEALTH_OPTIONS, useValue: options },
        {
          provide: ReadinessService,
          useFactory: () => new ReadinessService().register(...(options.checks ?? [])),
        },
      ],
      exports: [ReadinessService],
    };
  }
}
