import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { newRequestId, REQUEST_ID_HEADER } from './request/request-id';

/** Liveness for probes and load balancers. Like every gateway answer it carries an `X-Request-Id`. */
@Controller()
export class HealthController {
  @Get('healthz')
  @Header('cache-control', 'no-store')
  health(@Res({ passthrough: true }) reply: FastifyReply): { status: 'ok' } {
    reply.header(REQUEST_ID_HEADER, newRequestId());
    return { status: 'ok' };
  }
}
