import { EndpointSpecSchema } from '@portico/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** Most endpoints one app may declare (App Services apps seen in the wild have well under 200). */
export const MAX_ENDPOINTS = 1000;

/** `PUT /apps/:appId/endpoints`: the Atlas `http_endpoints/config.json` array, field names unchanged. */
export const PutEndpointsSchema = z.array(EndpointSpecSchema).max(MAX_ENDPOINTS);
export class PutEndpointsDto extends createZodDto(PutEndpointsSchema) {}

export class EndpointDto extends createZodDto(EndpointSpecSchema) {}

/**
 * An endpoint as stored and answered: defaults filled in, `validation_method` normalized. Declared
 * apart from the input schema because its transform has no JSON Schema form.
 */
export const StoredEndpointSchema = EndpointSpecSchema.extend({
  validation_method: z.enum(['NO_VALIDATION', 'SECRET_AS_QUERY_PARAM', 'VERIFY_PAYLOAD']),
});
export class StoredEndpointDto extends createZodDto(StoredEndpointSchema) {}
