import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { AdminApi } from '../common/admin-api.decorator';
import { ADMIN_API_PREFIX } from '../registry.constants';
import {
  ApiKeyDto,
  CreateApiKeyDto,
  CreatedApiKeyDto,
  type ApiKeyView,
  type CreatedApiKey,
} from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

@AdminApi('api-keys')
@Controller(`${ADMIN_API_PREFIX}/apps/:appId/api-keys`)
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyDto.Output, description: 'The key is in this answer only' })
  create(@Param('appId') appId: string, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKey> {
    return this.apiKeys.create(appId, dto);
  }

  @Get()
  @ApiOkResponse({ type: [ApiKeyDto.Output], description: 'Never the key or its hash' })
  list(@Param('appId') appId: string): Promise<ApiKeyView[]> {
    return this.apiKeys.list(appId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  delete(@Param('appId') appId: string, @Param('id') id: string): Promise<void> {
    return this.apiKeys.delete(appId, id);
  }
}
