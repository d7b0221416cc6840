import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorBodyDto } from './error-body.dto';

/** Name of the bearer scheme in the OpenAPI document. */
export const ADMIN_BEARER_SCHEME = 'admin-token';

/** OpenAPI facts shared by every admin controller: its tag, the bearer scheme and the error answers. */
export const AdminApi = (tag: string): ClassDecorator =>
  applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(ADMIN_BEARER_SCHEME),
    ApiBadRequestResponse({
      type: ErrorBodyDto,
      description: 'Validation failed; `details` maps each bad field path to its message',
    }),
    ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'Missing or wrong admin token' }),
    ApiNotFoundResponse({ type: ErrorBodyDto, description: 'Unknown app or resource' }),
  );
