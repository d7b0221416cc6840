import type { AppLimits } from './limits';
import type { EndpointSpec } from './app-spec';
import type { DataApiSpec, DependencyBundle } from './atlas-config';

/**
 * What a gateway needs to route and admit requests for one app at one version (DESIGN (1)).
 * Derived from the deployment by the registry; never contains function sources or tenant data.
 */
export interface RouteSnapshot {
  appId: string;
  appName: string;
  version: number;
  /** The registry fills every limit (`resolveLimits`); older snapshots may lack the admission limits. */
  limits: AppLimits;
  /**
   * The worker pool that runs the app's invocations (its `PORTICO_WORKER_POOL`); absent in snapshots
   * of registries that predate pools, meaning `DEFAULT_POOL`.
   */
  pool?: string;
  endpoints: EndpointSpec[];
  /** Run-mode facts the gateway needs to decide whether credentials are required. */
  functions: Record<
    string,
    { private: boolean; run_as_system: boolean; run_as_user_id?: string; has_user_script: boolean }
  >;
  /** Only the secrets named by an endpoint's `secret_name` (for SECRET_AS_QUERY_PARAM / VERIFY_PAYLOAD). */
  secrets: Record<string, string>;
  /** API key hashes for application authentication. */
  api_keys: { id: string; name: string; hash: string; disabled: boolean }[];
  /** `allowed_request_origins` of the root config (reference §3.3); absent or empty: any origin. */
  allowed_request_origins?: string[];
  /** The Data API settings (reference §1.3); absent when the app has none or has it disabled. */
  data_api?: DataApiFacts;
  /** Verifies users' Bearer access tokens at the gateway without I/O; absent while the app has none. */
  auth_signing_key?: string;
  /**
   * True when the `api-key` provider is enabled: an `apiKey` header that matches no server key may be
   * a user API key, which only the worker (with the store) can check.
   */
  user_api_keys?: boolean;
}

/** What the gateway needs to serve the Data API (reference §1.3): its settings minus the user script. */
export interface DataApiFacts {
  versions: string[];
  return_type: DataApiSpec['return_type'];
  run_as_system: boolean;
  run_as_user_id?: string;
  has_user_script: boolean;
  validation_method: DataApiSpec['validation_method'];
  secret_name?: string;
  can_evaluate?: Record<string, unknown>;
  create_user_on_auth: boolean;
  fetch_custom_user_data: boolean;
}

/**
 * What a worker needs to run any function of one app at one version (DESIGN (3)).
 * Values are resolved (a `from_secret` value holds the secret's string, or is absent when the secret
 * is not set), because `context.values.get` is synchronous inside the guest.
 */
export interface FunctionBundle {
  appId: string;
  appName: string;
  version: number;
  created_at: string;
  limits: AppLimits;
  functions: Record<string, BundledFunction>;
  values: Record<string, unknown>;
  environment: { tag: string; values: Record<string, unknown> };
  /** Names `context.services.get(name)` resolves to the app's own data (default `mongodb-atlas`). */
  services: string[];
  /**
   * Files of `functions/node_modules` a guest `require` may load (reference §1.5). The sandbox host
   * keeps them and answers the guest file by file; they are never evaluated at boot.
   */
  dependencies?: Pick<DependencyBundle, 'files'>;
  /**
   * The Data API's `run_as_user_id_script_source` when Script is its effective run mode (reference
   * §3.1, §1.3): the worker runs it with the request before a Data API action to learn the user.
   */
  data_api_user_script?: string;
}

/**
 * One function as the worker runs it. The run-mode fields hold the EFFECTIVE mode only (reference
 * §3.1: `run_as_system` overrides the others): they decide who the function runs as when another
 * function calls it with `context.functions.execute`, and the script runs before an endpoint call.
 */
export interface BundledFunction {
  source: string;
  private: boolean;
  run_as_system?: boolean;
  run_as_user_id?: string;
  /** `exports = function (request) {…}` returning a user id or `{ runAsSystem: true }`. */
  run_as_user_id_script_source?: string;
  /** `can_evaluate`: the function's own condition, checked when an endpoint calls it (reference §1.5). */
  can_evaluate?: Record<string, unknown>;
}
