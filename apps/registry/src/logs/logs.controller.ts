import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { InvocationLogEntry } from '@portico/contracts';
import { AdminApi } from '../common/admin-api.decorator';
import { ADMIN_API_PREFIX } from '../registry.constants';
import { LogsDto, LogsQueryDto } from './log.dto';
import { LogsService } from './logs.service';

@AdminApi('logs')
@Controller(`${ADMIN_API_PREFIX}/apps/:appId/logs`)
export class LogsController {
  constructor(private readonly logs: LogsService) {}

  @Get()
  @ApiOkResponse({ type: LogsDto.Output })
  list(@Param('appId') appId: string, @Query() query: LogsQueryDto): Promise<{ logs: InvocationLogEntry[] }> {
    return this.logs.list(appId, query);
  }
}
