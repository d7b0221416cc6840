import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** The OpenAPI shape of `ImportReport` (@portico/contracts); a rejected import carries it in `details.report`. */
export const ImportReportSchema = z.object({
  ok: z.boolean(),
  app_id: z.string(),
  version: z.number().int().optional().describe('The deployment version created'),
  generations: z.array(z.enum(['stitch-20180301', 'realm-20210101', 'appservices-20230101'])),
  created: z.object({
    functions: z.array(z.string()),
    endpoints: z.array(z.string()).describe('"<METHOD> <route>"'),
    values: z.array(z.string()),
    webhooks: z.array(z.string()).describe('Legacy incoming webhooks, "<service>/<name>"'),
    auth_providers: z.array(z.string()),
    data_api: z.boolean(),
    data_sources: z.array(z.string()),
    environment: z.string(),
    dependencies: z.object({ files: z.number().int(), bytes: z.number().int() }),
  }),
  ignored: z.array(z.object({ path: z.string(), reason: z.string() })),
  missing_secrets: z.array(z.object({ name: z.string(), referenced_by: z.array(z.string()) })),
  errors: z.array(z.object({ file: z.string(), line: z.number().int().optional(), message: z.string() })),
});
export const ImportResultSchema = z.object({ report: ImportReportSchema });
export class ImportResultDto extends createZodDto(ImportResultSchema) {}
