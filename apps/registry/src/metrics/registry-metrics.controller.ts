import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { scrapeMetrics } from '@portico/metrics';
import { Public } from '../auth/public.decorator';

/**
 * `GET /metrics` on the admin port, without the admin token (Prometheus scrapes it like `/healthz`;
 * it carries counts, never tenant data). Not part of the admin API's OpenAPI document.
 */
@ApiExcludeController()
@Controller()
export class RegistryMetricsController {
  @Get('metrics')
  @Public()
  @Header('cache-control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { contentType, body } = await scrapeMetrics();
    void reply.header('content-type', contentType);
    return body;
  }
}
