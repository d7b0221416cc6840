import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse } from '@nestjs/swagger';
import type { EndpointSpec } from '@portico/contracts';
import { AdminApi } from '../common/admin-api.decorator';
import { ADMIN_API_PREFIX } from '../registry.constants';
import { EndpointDto, PutEndpointsDto, StoredEndpointDto } from './endpoint.dto';
import { EndpointsService } from './endpoints.service';

@AdminApi('endpoints')
@Controller(`${ADMIN_API_PREFIX}/apps/:appId/endpoints`)
export class EndpointsController {
  constructor(private readonly endpoints: EndpointsService) {}

  @Put()
  @ApiBody({
    type: [EndpointDto],
    description: 'The Atlas `http_endpoints/config.json` array; replaces every endpoint',
  })
  @ApiOkResponse({
    type: [StoredEndpointDto.Output],
    description: 'The endpoints as stored (defaults filled in)',
  })
  replace(@Param('appId') appId: string, @Body() dto: PutEndpointsDto): Promise<EndpointSpec[]> {
    return this.endpoints.replace(appId, dto);
  }

  @Get()
  @ApiOkResponse({ type: [StoredEndpointDto.Output] })
  list(@Param('appId') appId: string): Promise<EndpointSpec[]> {
    return this.endpoints.list(appId);
  }
}
