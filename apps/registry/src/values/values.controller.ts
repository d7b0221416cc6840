import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { AdminApi } from '../common/admin-api.decorator';
import { ADMIN_API_PREFIX } from '../registry.constants';
import { PutValueDto, ValueDto, ValueRefDto, type ValueView } from './value.dto';
import { ValuesService } from './values.service';

@AdminApi('values')
@Controller(`${ADMIN_API_PREFIX}/apps/:appId/values`)
export class ValuesController {
  constructor(private readonly values: ValuesService) {}

  @Put(':name')
  @HttpCode(200)
  @ApiOkResponse({ type: ValueDto.Output, description: 'Created or replaced' })
  put(@Param() ref: ValueRefDto, @Body() dto: PutValueDto): Promise<ValueView> {
    return this.values.put(ref.appId, ref.name, dto);
  }

  @Get()
  @ApiOkResponse({ type: [ValueDto.Output] })
  list(@Param('appId') appId: string): Promise<ValueView[]> {
    return this.values.list(appId);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiNoContentResponse()
  delete(@Param() ref: ValueRefDto): Promise<void> {
    return this.values.delete(ref.appId, ref.name);
  }
}
