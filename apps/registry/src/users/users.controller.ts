import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
} from '@nestjs/swagger';
import { AdminApi } from '../common/admin-api.decorator';
import { ErrorBodyDto } from '../common/error-body.dto';
import { ADMIN_API_PREFIX } from '../registry.constants';
import { CreateUserDto, RevokedSessionsDto, UpdateUserDto, UserDto, type UserView } from './user.dto';
import { UsersService } from './users.service';

@AdminApi('users')
@Controller(`${ADMIN_API_PREFIX}/apps/:appId/users`)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOkResponse({ type: [UserDto.Output], description: 'Oldest first; never password hashes' })
  list(@Param('appId') appId: string): Promise<UserView[]> {
    return this.users.list(appId);
  }

  @Post()
  @ApiCreatedResponse({ type: UserDto.Output, description: 'A confirmed local-userpass user' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The email is taken' })
  create(@Param('appId') appId: string, @Body() dto: CreateUserDto): Promise<UserView> {
    return this.users.create(appId, dto);
  }

  @Patch(':userId')
  @ApiOkResponse({ type: UserDto.Output, description: 'Disabling also revokes every session' })
  update(
    @Param('appId') appId: string,
    @Param('userId') userId: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserView> {
    return this.users.update(appId, userId, dto);
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiNoContentResponse()
  delete(@Param('appId') appId: string, @Param('userId') userId: string): Promise<void> {
    return this.users.delete(appId, userId);
  }

  @Delete(':userId/sessions')
  @ApiOkResponse({ type: RevokedSessionsDto.Output, description: 'How many sessions were revoked' })
  revokeSessions(
    @Param('appId') appId: string,
    @Param('userId') userId: string,
  ): Promise<{ revoked: number }> {
    return this.users.revokeSessions(appId, userId);
  }
}
