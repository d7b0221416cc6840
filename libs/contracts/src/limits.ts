import { z } from 'zod';

/** Per-app limits and their defaults (reference/atlas-endpoints.md §2.9 and §7.10). */
export const DEFAULT_LIMITS = {
  /** Wall time of one invocation, ms (Atlas: 300 s). */
  timeout_ms: 300_000,
  /** Heap of the app's isolate, MB (Atlas: 350 MB). */
  memory_mb: 350,
  /** Largest request body accepted, bytes (Atlas: 18 MB). */
  max_request_bytes: 18 * 1024 * 1024,
} as const;

export const AppLimitsSchema = z
  .object({
    timeout_ms: z.number().int().min(10).max(3_600_000),
    memory_mb: z.number().int().min(8).max(8192),
    max_request_bytes: z
      .number()
      .int()
      .min(0)
      .max(1024 * 1024 * 1024),
  })
  .strict();
export type AppLimits = z.infer<typeof AppLimitsSchema>;
