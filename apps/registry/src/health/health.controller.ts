import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { asAppId } from '@portico/contracts';
import { STORE, type Store } from '@portico/store';
import { Public } from '../auth/public.decorator';

const READY_TIMEOUT_MS = 1000;
/** An id no app can have (app ids end in 5 lowercase letters): the probe is an index lookup. */
const PROBE_APP_ID = asAppId('readiness-probe');

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(@Inject(STORE) private readonly store: Store) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  @Public()
  @ApiOkResponse({
    description: 'The registry answers',
    schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } },
  })
  check(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the store answers within a second (the registry owns it; without it nothing works). */
  @Get('readyz')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ description: 'The store answers' })
  @ApiServiceUnavailableResponse({ description: 'The store does not answer' })
  async ready(
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ status: string; failing?: string[] }> {
    const probe = this.store.metadata.getApp(PROBE_APP_ID).then(
      () => true,
      () => false,
    );
    const timeout = new Promise<false>((resolve) =>
      setTimeout(() => resolve(false), READY_TIMEOUT_MS).unref(),
    );
    if (await Promise.race([probe, timeout])) return { status: 'ok' };
    void reply.status(503);
    return { status: 'unavailable', failing: ['store'] };
  }
}
