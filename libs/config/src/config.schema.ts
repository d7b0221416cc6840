import { cpus } from 'node:os';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().min(1);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

/**
 * Every environment variable Portico reads, with its default. This is the only place that knows
 * variable names; docs/configuration.md documents each one (a test keeps the two in step).
 */
export const EnvSchema = z.object({
  PORT: port.default(8080),
  ADMIN_PORT: port.default(8081),
  WORKER_HEALTH_PORT: port.default(8082),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORTICO_ADMIN_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  PORTICO_DATA_DIR: z.string().min(1).default('./.portico'),
  PORTICO_PUBLIC_ADMIN_URL: optionalString.pipe(z.url().optional()),
  MONGODB_URI: optionalString.pipe(
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
      .optional(),
  ),
  PORTICO_MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,38}$/, 'letters, digits, _ and - only, at most 38')
    .default('portico'),
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
  ),
  PORTICO_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . and - only')
    .default('portico'),
  PORTICO_WORKER_POOL: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, 'lowercase letters, digits and - only')
    .default('default'),
  // Same names as the sandbox's SANDBOX_ENGINES (config cannot import the sandbox lib).
  SANDBOX_ENGINE: z.enum(['isolated-vm', 'vm2']).default('isolated-vm'),
  PORTICO_SANDBOX_PROCESSES: positiveInt.max(256).default(Math.max(2, cpus().length)),
  PORTICO_SANDBOX_PROCESSES_PER_APP: positiveInt.max(64).default(1),
  PORTICO_LOG_RETENTION: positiveInt.default(1000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof EnvSchema>;
