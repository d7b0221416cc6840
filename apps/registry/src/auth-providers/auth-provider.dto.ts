import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { AuthProviderSpecSchema, CustomUserDataSpecSchema } from '@portico/contracts';

/**
 * `PUT /apps/:appId/auth/providers`: the `auth/providers.json` map of an export (reference §1.7),
 * keyed by provider name; each entry's `name` equals its type and its key.
 */
export const PutAuthProvidersSchema = z
  .record(z.string(), AuthProviderSpecSchema)
  .superRefine((providers, ctx) => {
    for (const [key, provider] of Object.entries(providers)) {
      if (provider.name !== key || provider.type !== key)
        ctx.addIssue({ code: 'custom', path: [key, 'name'], message: 'name and type must equal the key' });
    }
  });
export class PutAuthProvidersDto extends createZodDto(PutAuthProvidersSchema) {}
export class AuthProvidersDto extends createZodDto(z.record(z.string(), AuthProviderSpecSchema)) {}

/** `PUT /apps/:appId/auth/custom_user_data`: `auth/custom_user_data.json` (reference §1.7). */
export class PutCustomUserDataDto extends createZodDto(CustomUserDataSpecSchema) {}

/** The settings as stored and answered; declared apart because the input's `"" → undefined` transform has no JSON Schema form. */
export const StoredCustomUserDataSchema = CustomUserDataSpecSchema.extend({
  on_user_creation_function_name: z.string().optional(),
});
export class CustomUserDataDto extends createZodDto(StoredCustomUserDataSchema) {}
