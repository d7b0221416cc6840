import { z } from 'zod';

/**
 * The App Services configuration an export carries beyond functions, endpoints and values
 * (reference §1.3, §1.4, §1.7, §1.8), kept with field names unchanged so an imported app round-trips.
 * Unknown fields are stripped, so an export from a newer Atlas version still imports.
 */

/** `"" → undefined`: exports write empty strings for unset run-mode fields (reference §1.3). */
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

export const AUTH_PROVIDER_TYPES = [
  'anon-user',
  'local-userpass',
  'api-key',
  'custom-token',
  'custom-function',
  'oauth2-google',
  'oauth2-facebook',
  'oauth2-apple',
] as const;
export type AuthProviderType = (typeof AUTH_PROVIDER_TYPES)[number];

/** One entry of `auth/providers.json` (reference §1.7); `name` equals `type`. */
export const AuthProviderSpecSchema = z.object({
  name: z.string().min(1).max(128),
  type: z.enum(AUTH_PROVIDER_TYPES),
  disabled: z.boolean().default(false),
  config: z.record(z.string(), z.unknown()).default({}),
  /** Secret names, e.g. `{ signingKeys: ["jwt_signing_key"] }` for custom-token. */
  secret_config: z.record(z.string(), z.unknown()).default({}),
  metadata_fields: z
    .array(
      z.object({ required: z.boolean().default(false), name: z.string(), field_name: z.string().optional() }),
    )
    .default([]),
  redirect_uris: z.array(z.string()).optional(),
});
export type AuthProviderSpec = z.output<typeof AuthProviderSpecSchema>;

/** `auth/custom_user_data.json` (reference §1.7). */
export const CustomUserDataSpecSchema = z.object({
  enabled: z.boolean().default(false),
  mongo_service_name: z.string().default('mongodb-atlas'),
  database_name: z.string().default(''),
  collection_name: z.string().default(''),
  user_id_field: z.string().default('user_id'),
  on_user_creation_function_name: optionalText,
});
export type CustomUserDataSpec = z.output<typeof CustomUserDataSpecSchema>;

/** `http(s)_endpoints/data_api_config.json` (reference §1.3). Absent from a spec: the Data API is off. */
export const DataApiSpecSchema = z.object({
  disabled: z.boolean().default(false),
  versions: z.array(z.string()).default(['v1']),
  return_type: z.enum(['JSON', 'EJSON']).default('JSON'),
  create_user_on_auth: z.boolean().default(false),
  fetch_custom_user_data: z.boolean().default(false),
  run_as_system: z.boolean().default(false),
  run_as_user_id: optionalText,
  run_as_user_id_script_source: optionalText,
  validation_method: z
    .enum(['NO_VALIDATION', 'SECRET_AS_QUERY_PARAM', 'VERIFY_PAYLOAD', ''])
    .default('NO_VALIDATION')
    .transform((v) => (v === '' ? 'NO_VALIDATION' : v)),
  secret_name: optionalText,
  can_evaluate: z.record(z.string(), z.unknown()).optional(),
  log_function_arguments: z.boolean().optional(),
});
export type DataApiSpec = z.output<typeof DataApiSpecSchema>;

/**
 * A legacy incoming webhook (reference §1.4), kept on the endpoint it was converted to (route
 * `/<service>/<name>`): it is also served at `/api/client/v2.0/app/<appId>/service/<service>/incoming_webhook/<name>`,
 * signs with `X-Hook-Signature`, and accepts credentials in the JSON body.
 */
export const LegacyWebhookSchema = z.object({
  service: z.string().min(1).max(256),
  name: z.string().min(1).max(256),
  /** `run_as_authed_user: true`: application authentication (reference §3.1). */
  run_as_authed_user: z.boolean().default(false),
});
export type LegacyWebhook = z.output<typeof LegacyWebhookSchema>;

/**
 * npm dependencies of the functions (reference §1.5): the files of `functions/node_modules` that a
 * CommonJS `require` inside the sandbox may load (`.js`, `.cjs`, `.json`), keyed by their path below
 * `node_modules/` (`"moment/moment.js"`). At most 15 MB in all, as on App Services.
 */
export interface DependencyBundle {
  package_json?: Record<string, unknown>;
  files: Record<string, string>;
  total_bytes: number;
}
export const MAX_DEPENDENCY_BYTES = 15 * 1024 * 1024;

/** The invocation kinds a worker runs (`InvocationJob.kind`; absent means `function`). */
export const INVOCATION_KINDS = ['function', 'data-api', 'client-auth'] as const;
export type InvocationKind = (typeof INVOCATION_KINDS)[number];
