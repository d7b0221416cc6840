import { z } from 'zod';
import {
  LegacyWebhookSchema,
  type AuthProviderSpec,
  type CustomUserDataSpec,
  type DataApiSpec,
  type DependencyBundle,
} from './atlas-config';
import { AppLimitsSchema } from './limits';

/**
 * The Atlas `http(s)_endpoints/config.json` entry, field names unchanged (reference §1.2).
 * Unknown fields are kept out (strip), so an export from a newer Atlas version still imports.
 */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', '*'] as const;
export const EndpointSpecSchema = z.object({
  route: z.string().startsWith('/', 'must begin with "/"').max(1024),
  http_method: z.enum(HTTP_METHODS),
  function_name: z.string().min(1).max(512),
  validation_method: z
    .enum(['NO_VALIDATION', 'SECRET_AS_QUERY_PARAM', 'VERIFY_PAYLOAD', ''])
    .default('NO_VALIDATION')
    .transform((v) => (v === '' ? 'NO_VALIDATION' : v)),
  secret_name: z.string().max(512).optional(),
  respond_result: z.boolean().default(true),
  fetch_custom_user_data: z.boolean().default(false),
  create_user_on_auth: z.boolean().default(false),
  disabled: z.boolean().default(false),
  /** Missing in older exports: JSON then (reference §1.2, [INF]). */
  return_type: z.enum(['JSON', 'EJSON']).default('JSON'),
  can_evaluate: z.record(z.string(), z.unknown()).optional(),
  /** Set when the endpoint was converted from a legacy incoming webhook (reference §1.4). */
  webhook: LegacyWebhookSchema.optional(),
});
export type EndpointSpec = z.output<typeof EndpointSpecSchema>;
export type EndpointSpecInput = z.input<typeof EndpointSpecSchema>;

/** A function and its run mode (reference §1.5, §3.1). */
export const FunctionSpecSchema = z.object({
  source: z.string().max(5 * 1024 * 1024),
  private: z.boolean().default(false),
  run_as_system: z.boolean().default(false),
  run_as_user_id: z.string().max(128).optional(),
  run_as_user_id_script_source: z
    .string()
    .max(1024 * 1024)
    .optional(),
  can_evaluate: z.record(z.string(), z.unknown()).optional(),
  disable_arg_logs: z.boolean().optional(),
});
export type FunctionSpec = z.output<typeof FunctionSpecSchema>;

/** `values/<name>.json` (reference §1.6). With `from_secret`, `value` names a secret. */
export const ValueSpecSchema = z.object({
  value: z.unknown(),
  from_secret: z.boolean().default(false),
});
export type ValueSpec = z.output<typeof ValueSpecSchema>;

/** An API key as stored: only its hash (see @portico/auth `hashApiKey`). */
export interface ApiKeyRecord {
  id: string;
  name: string;
  /** hex SHA-256 of the key. Keys are 64 random characters, so a fast hash is enough. */
  hash: string;
  disabled: boolean;
  created_at: string;
}

/**
 * Everything that defines one version of an app. A deployment is immutable: every admin change
 * writes a whole new spec under the next version (DESIGN "Contracts"), so caches keyed on
 * `(appId, version)` never go stale and no request ever sees half a change.
 */
export interface DeploymentSpec {
  limits: z.infer<typeof AppLimitsSchema>;
  /** Worker pool of the app (`PATCH /apps/:appId {"pool"}`); absent in older deployments: `DEFAULT_POOL`. */
  pool?: string;
  functions: Record<string, FunctionSpec>;
  endpoints: EndpointSpec[];
  values: Record<string, ValueSpec>;
  /** Secret values. Write-only through the admin API; read only by the platform. */
  secrets: Record<string, string>;
  api_keys: ApiKeyRecord[];
  environment: { tag: string; values: Record<string, unknown> };
  /** `auth/providers.json`, keyed by provider name (reference §1.7). */
  auth_providers?: Record<string, AuthProviderSpec>;
  /** `auth/custom_user_data.json` (reference §1.7). */
  custom_user_data?: CustomUserDataSpec;
  /** `http(s)_endpoints/data_api_config.json`; absent: the Data API is not enabled (reference §1.3). */
  data_api?: DataApiSpec;
  /**
   * Names of the app's data sources (`data_sources/<svc>/config.json`); `context.services.get(name)`
   * resolves each to the app's own data. Absent: `["mongodb-atlas"]`.
   */
  services?: string[];
  /** `allowed_request_origins` of the root config (reference §3.3). */
  allowed_request_origins?: string[];
  /** npm dependencies of the functions (reference §1.5). */
  dependencies?: DependencyBundle;
  /**
   * Key (base64url, 32 random bytes) that signs the app's user access and refresh tokens. Generated with
   * the app and carried into every version; never returned by the admin API. Absent in older apps until
   * their next change.
   */
  auth_signing_key?: string;
}

export interface AppRecord {
  id: string;
  name: string;
  created_at: string;
  /** The version clients are served. */
  version: number;
}

export interface Deployment {
  appId: string;
  version: number;
  created_at: string;
  spec: DeploymentSpec;
}
