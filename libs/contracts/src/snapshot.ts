import type { AppLimits } from './limits';
import type { EndpointSpec } from './app-spec';

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
  /** Verifies users' Bearer access tokens at the gateway without I/O; absent while the app has none. */
  auth_signing_key?: string;
  /**
   * True when the `api-key` provider is enabled: an `apiKey` header that matches no server key may be
   * a user API key, which only the worker (with the store) can check.
   */
  user_api_keys?: boolean;
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
  functions: Record<string, { source: string; private: boolean }>;
  values: Record<string, unknown>;
  environment: { tag: string; values: Record<string, unknown> };
  /** Names `context.services.get(name)` resolves to the app's own data (default `mongodb-atlas`). */
  services: string[];
}
