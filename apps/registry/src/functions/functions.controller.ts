import { Body, Controller, Delete, Get, HttpCode, Param, Put, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiParam,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminApi } from '../common/admin-api.decorator';
import { ErrorBodyDto } from '../common/error-body.dto';
import { ADMIN_API_PREFIX } from '../registry.constants';
import { FunctionRef } from './function-ref.decorator';
import {
  FunctionDto,
  FunctionRefDto,
  FunctionWithSourceDto,
  PutFunctionDto,
  type FunctionView,
  type FunctionWithSource,
} from './function.dto';
import { FunctionsService } from './functions.service';

/** The wildcard segment is the function name; OpenAPI calls a wildcard `{path}`. */
const NAME_PARAM = {
  name: 'path',
  type: String,
  description:
    'The function name, URL-encoded or not: `endpoint%2Fhello%2Flatest` and `endpoint/hello/latest` name the same function',
  example: 'endpoint%2Fhello%2Flatest',
} as const;

@AdminApi('functions')
@ApiParam({ name: 'appId', type: String })
@Controller(`${ADMIN_API_PREFIX}/apps/:appId/functions`)
export class FunctionsController {
  constructor(private readonly functions: FunctionsService) {}

  @Put('*')
  @ApiParam(NAME_PARAM)
  @ApiOkResponse({ type: FunctionDto.Output, description: 'Replaced (the source is not echoed)' })
  @ApiCreatedResponse({ type: FunctionDto.Output, description: 'Created (the source is not echoed)' })
  async put(
    @FunctionRef() ref: FunctionRefDto,
    @Body() dto: PutFunctionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FunctionView> {
    const { created, fn } = await this.functions.put(ref.appId, ref.name, dto);
    reply.status(created ? 201 : 200);
    return fn;
  }

  @Get()
  @ApiOkResponse({ type: [FunctionDto.Output], description: 'All functions, without sources' })
  list(@Param('appId') appId: string): Promise<FunctionView[]> {
    return this.functions.list(appId);
  }

  @Get('*')
  @ApiParam(NAME_PARAM)
  @ApiOkResponse({ type: FunctionWithSourceDto.Output })
  get(@FunctionRef() ref: FunctionRefDto): Promise<FunctionWithSource> {
    return this.functions.get(ref.appId, ref.name);
  }

  @Delete('*')
  @HttpCode(204)
  @ApiParam(NAME_PARAM)
  @ApiNoContentResponse()
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'An endpoint still uses the function' })
  delete(@FunctionRef() ref: FunctionRefDto): Promise<void> {
    return this.functions.delete(ref.appId, ref.name);
  }
}
