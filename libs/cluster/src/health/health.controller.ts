import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HEALTH_OPTIONS, HEALTHY, type HealthModuleOptions, type ReadinessBody } from './health.constants';
import { ReadinessService } from './readiness.service';

/** `GET /healthz` (liveness) and `GET /readyz` (readiness) for probes and load balancers. */
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: ReadinessService,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthModuleOptions,
  ) {}

  @Get('healthz')
  @Header('cache-control', 'no-store')
  health(@Res({ passthrough: true }) reply: FastifyReply): typeof HEALTHY {
    this.decorate(reply);
    return HEALTHY;
  }

  @Get('readyz')
  @Header('cache-control', 'no-store')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessBody> {
    this.decorate(reply);
    const { ready, failing } = await this.readiness.report();
    if (ready) return HEALTHY;
    reply.status(503);
    return { status: 'unavailable', failing };
  }

  private decorate(reply: FastifyReply): void {
    const headers = this.options.headers?.();
    if (headers !== undefined) for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  }
}
