import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import type { DataApiSpec } from '@portico/contracts';
import { AdminApi } from '../common/admin-api.decorator';
import { ADMIN_API_PREFIX } from '../registry.constants';
import { PutDataApiDto, StoredDataApiDto } from './data-api.dto';
import { DataApiService } from './data-api.service';

@AdminApi('data-api')
@Controller(`${ADMIN_API_PREFIX}/apps/:appId/data-api`)
export class DataApiController {
  constructor(private readonly dataApi: DataApiService) {}

  @Put()
  @HttpCode(200)
  @ApiOkResponse({
    type: StoredDataApiDto.Output,
    description: 'The Data API settings as stored (defaults filled in); `disabled: false` turns it on',
  })
  put(@Param('appId') appId: string, @Body() dto: PutDataApiDto): Promise<DataApiSpec> {
    return this.dataApi.put(appId, dto);
  }

  @Get()
  @ApiOkResponse({ type: StoredDataApiDto.Output })
  get(@Param('appId') appId: string): Promise<DataApiSpec> {
    return this.dataApi.get(appId);
  }

  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed: the Data API is off' })
  delete(@Param('appId') appId: string): Promise<void> {
    return this.dataApi.delete(appId);
  }
}
