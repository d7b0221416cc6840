import { DataApiSpecSchema } from '@portico/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** `PUT /apps/:appId/data-api`: the Atlas `http(s)_endpoints/data_api_config.json`, field names unchanged. */
export class PutDataApiDto extends createZodDto(DataApiSpecSchema) {}

/**
 * The Data API settings as stored and answered: defaults filled in, `validation_method` normalized.
 * Declared apart from the input schema because its transforms have no JSON Schema form.
 */
export const StoredDataApiSchema = DataApiSpecSchema.extend({
  validation_method: z.enum(['NO_VALIDATION', 'SECRET_AS_QUERY_PARAM', 'VERIFY_PAYLOAD']),
  run_as_user_id: z.string().optional(),
  run_as_user_id_script_source: z.string().optional(),
  secret_name: z.string().optional(),
});
export class StoredDataApiDto extends createZodDto(StoredDataApiSchema) {}
