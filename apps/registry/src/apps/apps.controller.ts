import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { AdminApi } from '../common/admin-api.decorator';
import { ADMIN_API_PREFIX } from '../registry.constants';
import {
  AppDetailDto,
  AppDto,
  AppSummaryDto,
  CreateAppDto,
  UpdateAppDto,
  type AppDetail,
  type AppSummary,
  type AppView,
} from './app.dto';
import { AppsService } from './apps.service';

@AdminApi('apps')
@Controller(`${ADMIN_API_PREFIX}/apps`)
export class AppsController {
  constructor(private readonly apps: AppsService) {}

  @Post()
  @ApiCreatedResponse({ type: AppDto.Output, description: 'The new app at version 1' })
  create(@Body() dto: CreateAppDto): Promise<AppView> {
    return this.apps.create(dto);
  }

  @Get()
  @ApiOkResponse({ type: [AppSummaryDto.Output] })
  list(): Promise<AppSummary[]> {
    return this.apps.list();
  }

  @Get(':appId')
  @ApiOkResponse({ type: AppDetailDto.Output })
  get(@Param('appId') appId: string): Promise<AppDetail> {
    return this.apps.get(appId);
  }

  @Patch(':appId')
  @ApiOkResponse({ type: AppDetailDto.Output, description: 'The app at its new version' })
  update(@Param('appId') appId: string, @Body() dto: UpdateAppDto): Promise<AppDetail> {
    return this.apps.update(appId, dto);
  }

  @Delete(':appId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The app, its deployments, logs and data are gone' })
  delete(@Param('appId') appId: string): Promise<void> {
    return this.apps.delete(appId);
  }
}
