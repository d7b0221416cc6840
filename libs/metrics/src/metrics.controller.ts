import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { scrapeMetrics } from './metrics-registry';

/**
 * `GET /metrics`: the process's Prometheus registry in the text exposition format. Served by Nest
 * routes, which Fastify matches before the gateway's catch-all (like `/healthz`).
 */
@Controller()
export class MetricsController {
  @Get('metrics')
  @Header('cache-control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { contentType, body } = await scrapeMetrics();
    void reply.header('content-type', contentType);
    return body;
  }
}
