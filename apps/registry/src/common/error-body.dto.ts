import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** Every admin error answer: a message, a stable code and, for validation failures, per-field details. */
export const ErrorBodySchema = z.object({
  error: z.string(),
  error_code: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
  request_id: z.string().optional().describe('Correlation id of an unexpected failure, as logged'),
});

export class ErrorBodyDto extends createZodDto(ErrorBodySchema) {}
