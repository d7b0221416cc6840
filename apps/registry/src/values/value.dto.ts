import { ValueSpecSchema } from '@portico/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ResourceNameSchema } from '../common/resource-name.schema';

export const ValueRefSchema = z.object({ appId: z.string(), name: ResourceNameSchema });
export class ValueRefDto extends createZodDto(ValueRefSchema) {}

/**
 * `PUT /apps/:appId/values/:name` (reference §1.6). With `from_secret`, `value` names a secret, which may
 * not be set yet (an import lists the secrets still to set).
 */
export const PutValueSchema = ValueSpecSchema.superRefine((spec, ctx) => {
  if (spec.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: 'required' });
  else if (spec.from_secret && !ResourceNameSchema.safeParse(spec.value).success) {
    ctx.addIssue({
      code: 'custom',
      path: ['value'],
      message: 'must be the name of a secret when from_secret is true',
    });
  }
});
export class PutValueDto extends createZodDto(PutValueSchema) {}

export const ValueSchema = z.object({
  name: z.string(),
  value: z.unknown().describe('Any JSON; with from_secret, the name of the secret'),
  from_secret: z.boolean(),
});
export class ValueDto extends createZodDto(ValueSchema) {}
export type ValueView = z.output<typeof ValueSchema>;
