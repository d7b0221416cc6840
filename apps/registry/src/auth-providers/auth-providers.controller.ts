import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { AuthProviderSpec, CustomUserDataSpec } from '@portico/contracts';
import { AdminApi } from '../common/admin-api.decorator';
import { ADMIN_API_PREFIX } from '../registry.constants';
import {
  AuthProvidersDto,
  CustomUserDataDto,
  PutAuthProvidersDto,
  PutCustomUserDataDto,
} from './auth-provider.dto';
import { AuthProvidersService } from './auth-providers.service';

@AdminApi('auth')
@Controller(`${ADMIN_API_PREFIX}/apps/:appId/auth`)
export class AuthProvidersController {
  constructor(private readonly providers: AuthProvidersService) {}

  @Get('providers')
  @ApiOkResponse({ type: AuthProvidersDto.Output, description: 'The auth providers, keyed by name' })
  get(@Param('appId') appId: string): Promise<Record<string, AuthProviderSpec>> {
    return this.providers.get(appId);
  }

  @Put('providers')
  @ApiOkResponse({ type: AuthProvidersDto.Output, description: 'Replaced; a new deployment version' })
  put(
    @Param('appId') appId: string,
    @Body() dto: PutAuthProvidersDto,
  ): Promise<Record<string, AuthProviderSpec>> {
    return this.providers.put(appId, dto);
  }

  @Put('custom_user_data')
  @ApiOkResponse({ type: CustomUserDataDto.Output, description: 'Replaced; a new deployment version' })
  putCustomUserData(
    @Param('appId') appId: string,
    @Body() dto: PutCustomUserDataDto,
  ): Promise<CustomUserDataSpec> {
    return this.providers.putCustomUserData(appId, dto);
  }
}
