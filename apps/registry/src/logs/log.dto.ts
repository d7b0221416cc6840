import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** `GET /apps/:appId/logs?limit=N&request_id=…`. */
export const LogsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  request_id: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe('Only the invocation with this request id (the data plane error `link`)'),
});
export class LogsQueryDto extends createZodDto(LogsQuerySchema) {}

/** Documents `InvocationLogEntry` (libs/contracts) for the OpenAPI document. */
const InvocationLogEntrySchema = z.object({
  id: z.string(),
  requestId: z.string(),
  time: z.string(),
  type: z.enum(['endpoint', 'data-api']),
  method: z.string(),
  route: z.string(),
  function_name: z.string(),
  status: z.number().int(),
  duration_ms: z.number(),
  logs: z.array(z.string()),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  cold: z.boolean().optional(),
  worker: z.string().optional().describe('The worker instance that ran the call (<host>/<pid>)'),
});
export const LogsSchema = z.object({ logs: z.array(InvocationLogEntrySchema).describe('Newest first') });
export class LogsDto extends createZodDto(LogsSchema) {}
