import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const CreateApiKeySchema = z.object({ name: z.string().trim().min(1).max(128) });
export class CreateApiKeyDto extends createZodDto(CreateApiKeySchema) {}

/** What `POST /api-keys` answers, the only time the key itself is ever shown. */
export const CreatedApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  key: z.string().describe('Shown once; only its hash is stored'),
});
export class CreatedApiKeyDto extends createZodDto(CreatedApiKeySchema) {}

export const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  disabled: z.boolean(),
  created_at: z.string(),
});
export class ApiKeyDto extends createZodDto(ApiKeySchema) {}

export type CreatedApiKey = z.output<typeof CreatedApiKeySchema>;
export type ApiKeyView = z.output<typeof ApiKeySchema>;
