import { AppLimitsSchema, PoolNameSchema, ResolvedLimitsSchema } from '@portico/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const CreateAppSchema = z.object({
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'only letters, digits, "_" and "-"'),
});
export class CreateAppDto extends createZodDto(CreateAppSchema) {}

/**
 * `PATCH /apps/:appId`: any subset of the limits (the others keep their value; `rate_per_sec: null`
 * lifts the rate limit) and/or the worker pool. At least one of the two.
 */
export const UpdateAppSchema = z
  .object({
    limits: AppLimitsSchema.partial().optional(),
    pool: PoolNameSchema.optional().describe(
      "Worker pool that runs the app (its workers' PORTICO_WORKER_POOL)",
    ),
  })
  .superRefine((dto, ctx) => {
    // Reported on `limits`, the field every older client sends, so an empty body names what is missing.
    if (dto.limits === undefined && dto.pool === undefined)
      ctx.addIssue({ code: 'custom', path: ['limits'], message: 'give limits and/or pool' });
  });
export class UpdateAppDto extends createZodDto(UpdateAppSchema) {}

export const AppSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.string(),
  version: z.number().int().describe('The deployment version clients are served'),
});
export class AppSummaryDto extends createZodDto(AppSummarySchema) {}

export const AppSchema = AppSummarySchema.extend({ limits: ResolvedLimitsSchema });
export class AppDto extends createZodDto(AppSchema) {}

export const AppDetailSchema = AppSchema.extend({
  pool: z.string().describe('Worker pool that runs the app'),
  counts: z.object({
    functions: z.number().int(),
    endpoints: z.number().int(),
    values: z.number().int(),
    secrets: z.number().int(),
    api_keys: z.number().int(),
  }),
});
export class AppDetailDto extends createZodDto(AppDetailSchema) {}

export type AppSummary = z.infer<typeof AppSummarySchema>;
export type AppView = z.infer<typeof AppSchema>;
export type AppDetail = z.infer<typeof AppDetailSchema>;
