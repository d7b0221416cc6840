import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { AdminApi } from '../common/admin-api.decorator';
import { ADMIN_API_PREFIX } from '../registry.constants';
import { DeploymentSummaryDto, type DeploymentSummary } from './deployment.dto';
import { DeploymentService } from './deployment.service';

@AdminApi('deployments')
@Controller(`${ADMIN_API_PREFIX}/apps/:appId/deployments`)
export class DeploymentsController {
  constructor(private readonly deployments: DeploymentService) {}

  @Get()
  @ApiOkResponse({
    type: [DeploymentSummaryDto.Output],
    description: 'Stored versions, newest first (the first is the one served)',
  })
  list(@Param('appId') appId: string): Promise<DeploymentSummary[]> {
    return this.deployments.history(appId);
  }
}
