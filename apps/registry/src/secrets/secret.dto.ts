import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ResourceNameSchema } from '../common/resource-name.schema';

/** App Services' limit on a secret's length (reference §1.6). */
export const MAX_SECRET_LENGTH = 500;

export const SecretRefSchema = z.object({ appId: z.string(), name: ResourceNameSchema });
export class SecretRefDto extends createZodDto(SecretRefSchema) {}

export const PutSecretSchema = z.object({ value: z.string().max(MAX_SECRET_LENGTH) });
export class PutSecretDto extends createZodDto(PutSecretSchema) {}

/** All the admin API ever says about a secret: its name. */
export const SecretSchema = z.object({ name: z.string() });
export class SecretDto extends createZodDto(SecretSchema) {}
export type SecretView = z.output<typeof SecretSchema>;
