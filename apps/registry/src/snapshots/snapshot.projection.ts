import {
  DEFAULT_POOL,
  resolveLimits,
  type AppRecord,
  type BundledFunction,
  type DataApiFacts,
  type DataApiSpec,
  type Deployment,
  type FunctionSpec,
  type FunctionBundle,
  type RouteSnapshot,
} from '@portico/contracts';

/** The data-source service names a bundle's functions may ask `context.services.get` for, unless the spec names its own. */
export const BUNDLE_SERVICES = ['mongodb-atlas'];

/**
 * What a gateway needs for one version: routes, limits (defaults filled), pool, run-mode facts, API key hashes, and only the
 * secrets an endpoint names for its validation method (never values, sources or other secrets).
 */
export function projectSnapshot(app: Pick<AppRecord, 'id' | 'name'>, deployment: Deployment): RouteSnapshot {
  const { spec } = deployment;
  const secrets: Record<string, string> = {};
  for (const { secret_name } of [...spec.endpoints, ...(spec.data_api ? [spec.data_api] : [])]) {
    if (secret_name && Object.hasOwn(spec.secrets, secret_name))
      secrets[secret_name] = spec.secrets[secret_name];
  }
  const functions: RouteSnapshot['functions'] = {};
  for (const [name, fn] of Object.entries(spec.functions)) {
    functions[name] = {
      private: fn.private,
      run_as_system: fn.run_as_system,
      ...(fn.run_as_user_id ? { run_as_user_id: fn.run_as_user_id } : {}),
      has_user_script: Boolean(fn.run_as_user_id_script_source),
    };
  }
  return {
    appId: app.id,
    appName: app.name,
    version: deployment.version,
    // Deployments stored before a limit or the pool existed get their defaults here.
    limits: resolveLimits(spec.limits),
    pool: spec.pool ?? DEFAULT_POOL,
    endpoints: structuredClone(spec.endpoints),
    functions,
    secrets,
    api_keys: spec.api_keys.map(({ id, name, hash, disabled }) => ({ id, name, hash, disabled })),
    ...(spec.allowed_request_origins?.length
      ? { allowed_request_origins: [...spec.allowed_request_origins] }
      : {}),
    ...(spec.data_api && !spec.data_api.disabled ? { data_api: projectDataApi(spec.data_api) } : {}),
    ...(spec.auth_signing_key ? { auth_signing_key: spec.auth_signing_key } : {}),
    ...(spec.auth_providers?.['api-key'] && !spec.auth_providers['api-key'].disabled
      ? { user_api_keys: true }
      : {}),
  };
}

function projectDataApi(config: DataApiSpec): DataApiFacts {
  return {
    versions: [...config.versions],
    return_type: config.return_type,
    run_as_system: config.run_as_system,
    ...(config.run_as_user_id ? { run_as_user_id: config.run_as_user_id } : {}),
    has_user_script: Boolean(config.run_as_user_id_script_source),
    validation_method: config.validation_method,
    ...(config.secret_name ? { secret_name: config.secret_name } : {}),
    ...(config.can_evaluate ? { can_evaluate: structuredClone(config.can_evaluate) } : {}),
    create_user_on_auth: config.create_user_on_auth,
    fetch_custom_user_data: config.fetch_custom_user_data,
  };
}

/**
 * What a worker needs to run any function of one version. Values are resolved here because
 * `context.values.get` is synchronous in the guest: a `from_secret` value becomes the secret's string,
 * or is left out while that secret is unset.
 */
export function projectBundle(app: Pick<AppRecord, 'id' | 'name'>, deployment: Deployment): FunctionBundle {
  const { spec } = deployment;
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(spec.values)) {
    if (!value.from_secret) values[name] = structuredClone(value.value);
    else if (typeof value.value === 'string' && Object.hasOwn(spec.secrets, value.value))
      values[name] = spec.secrets[value.value];
  }
  const functions: FunctionBundle['functions'] = {};
  for (const [name, fn] of Object.entries(spec.functions))
    functions[name] = {
      source: fn.source,
      private: fn.private,
      ...effectiveRunMode(fn),
      ...(fn.can_evaluate ? { can_evaluate: structuredClone(fn.can_evaluate) } : {}),
    };
  return {
    appId: app.id,
    appName: app.name,
    version: deployment.version,
    created_at: deployment.created_at,
    limits: resolveLimits(spec.limits),
    functions,
    values,
    environment: structuredClone(spec.environment),
    services: [...(spec.services ?? BUNDLE_SERVICES)],
    ...(spec.dependencies ? { dependencies: { files: spec.dependencies.files } } : {}),
    ...dataApiUserScript(spec.data_api),
  };
}

/** The Data API's script, when neither `run_as_system` nor `run_as_user_id` overrides it (reference §3.1). */
function dataApiUserScript(config: DataApiSpec | undefined): Pick<FunctionBundle, 'data_api_user_script'> {
  if (!config || config.disabled || config.run_as_system || config.run_as_user_id) return {};
  const script = config.run_as_user_id_script_source;
  return script ? { data_api_user_script: script } : {};
}

/** The one run mode that applies (reference §3.1): system overrides a user id, which excludes a script. */
function effectiveRunMode(fn: FunctionSpec): Omit<BundledFunction, 'source' | 'private'> {
  if (fn.run_as_system) return { run_as_system: true };
  if (fn.run_as_user_id) return { run_as_user_id: fn.run_as_user_id };
  if (fn.run_as_user_id_script_source)
    return { run_as_user_id_script_source: fn.run_as_user_id_script_source };
  return {};
}
