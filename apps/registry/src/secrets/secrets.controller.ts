import { Body, Controller, Delete, Get, HttpCode, Param, Put, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminApi } from '../common/admin-api.decorator';
import { ADMIN_API_PREFIX } from '../registry.constants';
import { PutSecretDto, SecretDto, SecretRefDto, type SecretView } from './secret.dto';
import { SecretsService } from './secrets.service';

@AdminApi('secrets')
@Controller(`${ADMIN_API_PREFIX}/apps/:appId/secrets`)
export class SecretsController {
  constructor(private readonly secrets: SecretsService) {}

  @Put(':name')
  @ApiOkResponse({ type: SecretDto.Output, description: 'Replaced (the value is never returned)' })
  @ApiCreatedResponse({ type: SecretDto.Output, description: 'Created (the value is never returned)' })
  async put(
    @Param() ref: SecretRefDto,
    @Body() dto: PutSecretDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SecretView> {
    const { created, secret } = await this.secrets.put(ref.appId, ref.name, dto);
    reply.status(created ? 201 : 200);
    return secret;
  }

  @Get()
  @ApiOkResponse({ type: [SecretDto.Output], description: 'Names only' })
  list(@Param('appId') appId: string): Promise<SecretView[]> {
    return this.secrets.list(appId);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiNoContentResponse()
  delete(@Param() ref: SecretRefDto): Promise<void> {
    return this.secrets.delete(ref.appId, ref.name);
  }
}
