import { FunctionSpecSchema } from '@portico/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { FunctionNameSchema } from '../common/resource-name.schema';

/**
 * `PUT /apps/:appId/functions/:name`. Empty `run_as_user_id*` strings (as App Services exports write them)
 * mean "not set"; setting both is refused (reference §1.5).
 */
export const PutFunctionSchema = FunctionSpecSchema.transform(
  ({ run_as_user_id, run_as_user_id_script_source, ...fn }) => ({
    ...fn,
    ...(run_as_user_id ? { run_as_user_id } : {}),
    ...(run_as_user_id_script_source ? { run_as_user_id_script_source } : {}),
  }),
).superRefine((fn, ctx) => {
  if (fn.run_as_user_id && fn.run_as_user_id_script_source) {
    ctx.addIssue({
      code: 'custom',
      path: ['run_as_user_id_script_source'],
      message: 'cannot be combined with run_as_user_id',
    });
  }
});
export class PutFunctionDto extends createZodDto(PutFunctionSchema) {}

/** The function addressed by a route: `:appId` and the (possibly `/`-holding) name. */
export const FunctionRefSchema = z.object({ appId: z.string(), name: FunctionNameSchema });
export class FunctionRefDto extends createZodDto(FunctionRefSchema) {}

export const FunctionSchema = FunctionSpecSchema.omit({ source: true }).extend({ name: z.string() });
export class FunctionDto extends createZodDto(FunctionSchema) {}

export const FunctionWithSourceSchema = FunctionSchema.extend({ source: z.string() });
export class FunctionWithSourceDto extends createZodDto(FunctionWithSourceSchema) {}

export type FunctionView = z.output<typeof FunctionSchema>;
export type FunctionWithSource = z.output<typeof FunctionWithSourceSchema>;
