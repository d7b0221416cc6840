import type { DeploymentSpec, ImportGeneration, ImportProblem } from '@portico/contracts';
import type { FileTree } from '../archive/file-tree';
import { parseAuth } from './auth.parser';
import { parseDataSources } from './data-sources.parser';
import { parseDependencies } from './dependencies.parser';
import { parseEndpoints } from './endpoints.parser';
import { ExportReader } from './export-reader';
import { parseFunctions } from './functions.parser';
import { ignoredReason } from './out-of-scope';
import { parseRootConfig } from './root-config.parser';
import { parseEnvironment, parseValues } from './values.parser';
import { parseWebhooks } from './webhooks.parser';

/** The parts of a deployment an import replaces (the app keeps its secrets, API keys, limits and pool). */
export type ImportedSpec = Pick<DeploymentSpec, 'functions' | 'endpoints' | 'values' | 'environment'> &
  Pick<
    DeploymentSpec,
    | 'auth_providers'
    | 'custom_user_data'
    | 'data_api'
    | 'services'
    | 'allowed_request_origins'
    | 'dependencies'
  >;

/** An App Services export read into a deployment's parts, with everything the import report needs. */
export interface AtlasExport {
  generations: ImportGeneration[];
  clientAppId?: string;
  spec: ImportedSpec;
  /** Inline legacy-webhook secrets, to be added to the app's secrets. */
  inlineSecrets: Record<string, string>;
  /** Function name → the export file its source came from. */
  functionFiles: Record<string, string>;
  /** Every secret the configuration names, with where. */
  secretRefs: { name: string; referenced_by: string[] }[];
  /** Legacy webhooks, as `<service>/<name>`. */
  webhooks: string[];
  ignored: { path: string; reason: string }[];
  errors: ImportProblem[];
}

export const NOT_AN_EXPORT =
  'not an App Services export: no stitch.json, realm_config.json or root_config.json at its top level';

/**
 * Reads an App Services export of any generation or a mixture of them (reference §1.1) from memory.
 * Pure: no I/O, no code is run (function sources are not even parsed here; the registry checks their
 * syntax). Problems are collected, never thrown, so one report lists them all.
 */
export function parseAtlasExport(tree: FileTree): AtlasExport {
  const reader = new ExportReader(tree);
  const root = parseRootConfig(reader);
  if (root === undefined) {
    reader.error('/', NOT_AN_EXPORT);
    return finish(
      reader,
      [],
      { functions: {}, endpoints: [], values: {}, environment: { tag: '', values: {} } },
      {},
      {},
      [],
    );
  }
  const functions = parseFunctions(reader);
  const webhooks = parseWebhooks(reader);
  const endpoints = parseEndpoints(reader);
  const values = parseValues(reader);
  const environment = parseEnvironment(reader, root.environment);
  const auth = parseAuth(reader);
  const dataSources = parseDataSources(reader);
  const dependencies = parseDependencies(reader);

  const allFunctions = { ...functions.functions, ...webhooks.functions };
  const allEndpoints = [...endpoints.endpoints, ...webhooks.endpoints];
  checkReferences(reader, allFunctions, allEndpoints, auth, (e) =>
    e.webhook ? webhooks.configFiles[`${e.webhook.service}/${e.webhook.name}`] : endpoints.files.get(e),
  );

  const spec: ImportedSpec = {
    functions: allFunctions,
    endpoints: allEndpoints,
    values,
    environment,
    ...(auth.providers ? { auth_providers: auth.providers } : {}),
    ...(auth.customUserData ? { custom_user_data: auth.customUserData } : {}),
    ...(endpoints.dataApi ? { data_api: endpoints.dataApi } : {}),
    ...(dataSources.length > 0 ? { services: dataSources } : {}),
    ...(root.allowedRequestOrigins ? { allowed_request_origins: root.allowedRequestOrigins } : {}),
    ...(dependencies ? { dependencies } : {}),
  };
  const parsed = finish(
    reader,
    root.generations,
    spec,
    webhooks.secrets,
    { ...functions.files, ...webhooks.files },
    webhooks.names,
  );
  if (root.clientAppId) parsed.clientAppId = root.clientAppId;
  return parsed;
}

/** Names that must resolve inside the export: endpoint functions, auth functions, webhook routes. */
function checkReferences(
  reader: ExportReader,
  functions: ImportedSpec['functions'],
  endpoints: ImportedSpec['endpoints'],
  auth: ReturnType<typeof parseAuth>,
  fileOf: (endpoint: ImportedSpec['endpoints'][number]) => string | undefined,
): void {
  const byRoute = new Map<string, { method: string; what: string }[]>();
  for (const endpoint of endpoints) {
    const what = endpoint.webhook
      ? `webhook ${endpoint.webhook.service}/${endpoint.webhook.name}`
      : `endpoint ${endpoint.http_method} ${endpoint.route}`;
    const file = fileOf(endpoint) ?? 'http_endpoints/config.json';
    if (!Object.hasOwn(functions, endpoint.function_name))
      reader.error(file, `${what}: function "${endpoint.function_name}" does not exist`);
    const sameRoute = byRoute.get(endpoint.route) ?? [];
    const clash = sameRoute.find(
      (o) => o.method === endpoint.http_method || o.method === '*' || endpoint.http_method === '*',
    );
    if (clash) reader.error(file, `${what}: route ${endpoint.route} is also served by ${clash.what}`);
    byRoute.set(endpoint.route, [...sameRoute, { method: endpoint.http_method, what }]);
  }
  for (const provider of Object.values(auth.providers ?? {})) {
    const fn = provider.config.authFunctionName;
    if (provider.type === 'custom-function' && (typeof fn !== 'string' || !Object.hasOwn(functions, fn)))
      reader.error(
        'auth/providers.json',
        `custom-function provider: authFunctionName "${String(fn)}" is not a function of the export`,
      );
  }
  const onCreate = auth.customUserData?.on_user_creation_function_name;
  if (onCreate && !Object.hasOwn(functions, onCreate))
    reader.error(
      'auth/custom_user_data.json',
      `on_user_creation_function_name "${onCreate}" is not a function of the export`,
    );
}

function finish(
  reader: ExportReader,
  generations: ImportGeneration[],
  spec: ImportedSpec,
  inlineSecrets: Record<string, string>,
  functionFiles: Record<string, string>,
  webhooks: string[],
): AtlasExport {
  for (const path of reader.unused()) reader.ignore(path, ignoredReason(path));
  return {
    generations,
    spec,
    inlineSecrets,
    functionFiles,
    secretRefs: [...reader.secretRefs].map(([name, referenced_by]) => ({ name, referenced_by })),
    webhooks,
    ignored: reader.ignored,
    errors: reader.errors,
  };
}
