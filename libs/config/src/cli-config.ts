import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config';

const CliEnvSchema = z.object({
  PORTICO_ADMIN_URL: z.url().default('http://127.0.0.1:8081'),
  PORTICO_URL: z.url().default('http://127.0.0.1:8080'),
  PORTICO_ADMIN_TOKEN: z.string().optional(),
  PORTICO_DATA_DIR: z.string().min(1).default('./.portico'),
});

/** What the `portico` CLI needs to reach a running platform (flags override these). */
export interface CliConfig {
  adminUrl: string;
  dataPlaneUrl: string;
  /** Undefined ⇒ the CLI reads `<dataDir>/admin-token` (the token standalone mode generated). */
  adminToken: string | undefined;
  dataDir: string;
}

export function loadCliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const parsed = CliEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    adminUrl: e.PORTICO_ADMIN_URL.replace(/\/$/, ''),
    dataPlaneUrl: e.PORTICO_URL.replace(/\/$/, ''),
    adminToken: e.PORTICO_ADMIN_TOKEN || undefined,
    dataDir: resolve(e.PORTICO_DATA_DIR),
  };
}
