import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';

@ApiTags('health')
@Controller('healthz')
export class HealthController {
  @Get()
  @Public()
  @ApiOkResponse({
    description: 'The registry answers',
    schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } },
  })
  check(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
