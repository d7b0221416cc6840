import { resolve } from 'node:path';
import { EnvSchema, type Env } from './config.schema';

/** Typed configuration, read once at boot (DESIGN "Contracts"). */
export interface PorticoConfig {
  /** `workerHealthPort`: where a worker (no HTTP app of its own) answers `/healthz` and `/readyz`. */
  http: { host: string; port: number; adminPort: number; workerHealthPort: number };
  /** Base URL of the admin API used in the `link` of error bodies. */
  publicAdminUrl: string;
  /** True when `publicAdminUrl` was derived from HOST/ADMIN_PORT rather than set explicitly. */
  publicAdminUrlIsDefault: boolean;
  /** Admin bearer token; undefined ⇒ standalone generates one and stores it in the data dir. */
  adminToken: string | undefined;
  dataDir: string;
  store: { kind: 'embedded' } | { kind: 'mongodb'; uri: string; metadataDb: string };
  /** How gateway, registry and workers talk: in one process, or through Redis (cluster mode). */
  transport: { kind: 'in-process' } | { kind: 'redis'; url: string; prefix: string };
  /** The worker pool this worker serves (cluster mode); an app's pool is a registry setting. */
  workerPool: string;
  sandbox: { engine: Env['SANDBOX_ENGINE']; maxProcesses: number; maxProcessesPerApp: number };
  logs: { retentionPerApp: number; level: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment into a `PorticoConfig`. Throws ConfigError naming every bad variable
 * (CONVENTIONS 4): start-up fails before anything listens.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): PorticoConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) =>
          `${issue.path.join('.') || '(env)'}=${JSON.stringify(env[String(issue.path[0])] ?? '')}: ${issue.message}`,
      ),
    );
  }
  const e = parsed.data;
  return {
    http: { host: e.HOST, port: e.PORT, adminPort: e.ADMIN_PORT, workerHealthPort: e.WORKER_HEALTH_PORT },
    publicAdminUrl: (e.PORTICO_PUBLIC_ADMIN_URL ?? `http://${e.HOST}:${e.ADMIN_PORT}`).replace(/\/$/, ''),
    publicAdminUrlIsDefault: e.PORTICO_PUBLIC_ADMIN_URL === undefined,
    adminToken: e.PORTICO_ADMIN_TOKEN,
    dataDir: resolve(e.PORTICO_DATA_DIR),
    store: e.MONGODB_URI
      ? { kind: 'mongodb', uri: e.MONGODB_URI, metadataDb: e.PORTICO_MONGODB_DB }
      : { kind: 'embedded' },
    transport: e.REDIS_URL
      ? { kind: 'redis', url: e.REDIS_URL, prefix: e.PORTICO_REDIS_PREFIX }
      : { kind: 'in-process' },
    workerPool: e.PORTICO_WORKER_POOL,
    sandbox: {
      engine: e.SANDBOX_ENGINE,
      maxProcesses: e.PORTICO_SANDBOX_PROCESSES,
      maxProcessesPerApp: e.PORTICO_SANDBOX_PROCESSES_PER_APP,
    },
    logs: { retentionPerApp: e.PORTICO_LOG_RETENTION, level: e.LOG_LEVEL },
  };
}
