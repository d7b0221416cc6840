import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiPayloadTooLargeResponse } from '@nestjs/swagger';
import type { ImportReport } from '@portico/contracts';
import { AdminApi } from '../common/admin-api.decorator';
import { ErrorBodyDto } from '../common/error-body.dto';
import { ADMIN_API_PREFIX } from '../registry.constants';
import { IMPORT_CONTENT_TYPES } from './import-body.parser';
import { ImportResultDto } from './import.dto';
import { ImportService } from './import.service';

@AdminApi('import')
@Controller(`${ADMIN_API_PREFIX}/apps/:appId/import`)
export class ImportController {
  constructor(private readonly imports: ImportService) {}

  @Post()
  @HttpCode(201)
  @ApiConsumes(...IMPORT_CONTENT_TYPES)
  @ApiBody({
    description:
      'An App Services export directory (stitch.json, realm_config.json or root_config.json layouts, or a mix) as tar.gz, tar or zip, at most 64 MB',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiCreatedResponse({
    type: ImportResultDto.Output,
    description:
      'A new deployment; the report lists what was created and ignored, and the secrets still to set',
  })
  @ApiPayloadTooLargeResponse({ type: ErrorBodyDto, description: 'Upload larger than 64 MB' })
  async import(@Param('appId') appId: string, @Body() body: Buffer): Promise<{ report: ImportReport }> {
    return { report: await this.imports.import(appId, body) };
  }
}
