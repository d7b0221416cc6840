import { HTTP_METHODS, type EndpointSpec, type FunctionSpec } from '@portico/contracts';
import { z } from 'zod';
import { isRecord, type ExportReader } from './export-reader';
import { safeSegment } from './function-name';
import { toFunctionSpec } from './functions.parser';

/** `incoming_webhooks/<name>/config.json` (reference §1.4). Unset run-mode fields may be `""`. */
const WebhookConfigSchema = z.object({
  name: z.string().optional(),
  can_evaluate: z.record(z.string(), z.unknown()).optional(),
  run_as_authed_user: z.boolean().default(false),
  run_as_user_id: z.string().optional(),
  run_as_user_id_script_source: z.string().optional(),
  fetch_custom_user_data: z.boolean().default(false),
  create_user_on_auth: z.boolean().default(false),
  respond_result: z.boolean().default(false),
  disable_arg_logs: z.boolean().optional(),
  options: z
    .object({
      httpMethod: z.string().optional(),
      validationMethod: z.enum(['VERIFY_PAYLOAD', 'SECRET_AS_QUERY_PARAM', 'NO_VALIDATION', '']).optional(),
      secret: z.string().optional(),
    })
    .default({}),
});

export interface ParsedWebhooks {
  endpoints: EndpointSpec[];
  functions: Record<string, FunctionSpec>;
  files: Record<string, string>;
  /** Inline `options.secret` values, as app secrets. */
  secrets: Record<string, string>;
  /** `<service>/<name>` of each webhook. */
  names: string[];
  /** `<service>/<name>` → its `config.json`, for problems found later. */
  configFiles: Record<string, string>;
}

/** The function a legacy webhook's `source.js` becomes. */
export const webhookFunctionName = (service: string, name: string): string =>
  `__webhook/${safeSegment(service)}/${safeSegment(name)}`;

/** The app secret an inline webhook secret becomes (a valid secret name, so it can be set again). */
export const webhookSecretName = (service: string, name: string): string =>
  `webhook-${service}-${name}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 128);

const WEBHOOK_PATH = /^(services|http_endpoints)\/([^/]+)\/incoming_webhooks\/([^/]+)\/config\.json$/;

function httpMethod(raw: string | undefined): EndpointSpec['http_method'] | undefined {
  const method = (raw ?? '*').toUpperCase();
  if (method === 'ANY' || method === '') return '*';
  return (HTTP_METHODS as readonly string[]).includes(method)
    ? (method as EndpointSpec['http_method'])
    : undefined;
}

/**
 * Legacy incoming webhooks, Stitch `services/<svc>/incoming_webhooks/<name>/` and Realm
 * `http_endpoints/<svc>/incoming_webhooks/<name>/` (reference §1.4), converted as App Services did:
 * endpoint route `/<svc>/<name>`, function `__webhook/<svc>/<name>`, run mode from the webhook
 * (`run_as_authed_user`: application auth; a user id or script; else system). Webhooks answered in
 * canonical EJSON, so the endpoint's `return_type` is EJSON.
 */
export function parseWebhooks(reader: ExportReader): ParsedWebhooks {
  const parsed: ParsedWebhooks = {
    endpoints: [],
    functions: {},
    files: {},
    secrets: {},
    names: [],
    configFiles: {},
  };
  for (const file of [...reader.under('services/'), ...reader.under('http_endpoints/')]) {
    const match = WEBHOOK_PATH.exec(file);
    if (!match) continue;
    const [, , service, folderName] = match;
    const sourceFile = file.replace(/config\.json$/, 'source.js');
    const raw = reader.json(file);
    if (raw === undefined) continue;
    const config = reader.parse(file, WebhookConfigSchema, raw);
    if (config === undefined) continue;
    const name = config.name || folderName;
    const source = reader.text(sourceFile);
    if (source === undefined) {
      reader.error(file, `webhook "${service}/${name}" has no source.js`);
      continue;
    }
    const method = httpMethod(config.options.httpMethod);
    if (method === undefined) {
      reader.error(
        file,
        `options.httpMethod "${config.options.httpMethod}" is not GET, POST, PUT, PATCH, DELETE or *`,
      );
      continue;
    }
    const functionName = webhookFunctionName(service, name);
    const userId = config.run_as_authed_user ? undefined : config.run_as_user_id || undefined;
    const script = config.run_as_authed_user ? undefined : config.run_as_user_id_script_source || undefined;
    const fn = toFunctionSpec(
      reader,
      sourceFile,
      {
        name: functionName,
        // Only reachable through its webhook, as before the conversion.
        private: true,
        run_as_system: !config.run_as_authed_user && userId === undefined && script === undefined,
        run_as_user_id: userId,
        run_as_user_id_script_source: script,
        disable_arg_logs: config.disable_arg_logs,
      },
      source,
    );
    if (fn === undefined) continue;

    const validation = config.options.validationMethod || 'NO_VALIDATION';
    let secretName: string | undefined;
    if (validation !== 'NO_VALIDATION') {
      secretName = webhookSecretName(service, name);
      if (config.options.secret) parsed.secrets[secretName] = config.options.secret;
      else reader.referenceSecret(secretName, `${file}: options.secret`);
    }
    const endpoint: EndpointSpec = {
      route: `/${service}/${name}`,
      http_method: method,
      function_name: functionName,
      validation_method: validation,
      ...(secretName ? { secret_name: secretName } : {}),
      respond_result: config.respond_result,
      fetch_custom_user_data: config.fetch_custom_user_data,
      create_user_on_auth: config.create_user_on_auth,
      disabled: false,
      return_type: 'EJSON',
      ...(isRecord(config.can_evaluate) && Object.keys(config.can_evaluate).length > 0
        ? { can_evaluate: config.can_evaluate }
        : {}),
      webhook: { service, name, run_as_authed_user: config.run_as_authed_user },
    };
    parsed.endpoints.push(endpoint);
    parsed.functions[functionName] = fn;
    parsed.files[functionName] = sourceFile;
    parsed.names.push(`${service}/${name}`);
    parsed.configFiles[`${service}/${name}`] = file;
  }
  // Realm's `http_endpoints/<svc>/config.json` (`{"name","type":"http"}`) only declares the webhooks' service.
  for (const file of reader.under('http_endpoints/'))
    if (/^http_endpoints\/[^/]+\/config\.json$/.test(file)) reader.use(file);
  return parsed;
}
