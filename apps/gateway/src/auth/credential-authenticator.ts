import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyMatcher } from '@portico/auth';
import type { GuestUser, RouteSnapshot } from '@portico/contracts';
import { GatewayErrors } from '../gateway-errors';

/** Who an invocation runs as. */
export interface Principal {
  user: GuestUser;
  runAsSystem: boolean;
}

export type FunctionFacts = RouteSnapshot['functions'][string];

// A fresh object per request: the job may travel in-process, and nothing one invocation does to its
// user may be seen by the next.
const systemPrincipal = (): Principal => ({
  user: { id: 'system', type: 'system', data: {}, custom_data: {}, identities: [] },
  runAsSystem: true,
});

/**
 * Script run mode (reference §3.1): who the request runs as is decided by the worker, which runs the
 * function's `run_as_user_id_script_source` with the request first and replaces this placeholder
 * (empty id) with the user it names, or answers 401 `InvalidSession`. No credentials are required.
 */
const scriptPrincipal = (): Principal => ({
  user: { id: '', type: 'normal', data: {}, custom_data: {}, identities: [] },
  runAsSystem: false,
});

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/**
 * Decides who a request runs as (reference §3.1, §3.2, §3.4) from the function's run mode and, for
 * application authentication, the credential headers. Throws the §3.4 errors.
 *
 * Order: `Authorization: Bearer` first (access tokens are a later issue, so any is rejected without
 * detail); then `apiKey` / `api-key`; then `email` + `password`; then `jwtTokenString`.
 */
export function authenticate(
  fn: FunctionFacts,
  headers: IncomingHttpHeaders,
  apiKeys: ApiKeyMatcher,
): Principal {
  if (fn.run_as_system) return systemPrincipal();
  if (fn.run_as_user_id !== undefined) {
    return {
      user: { id: fn.run_as_user_id, type: 'normal', data: {}, custom_data: {}, identities: [] },
      runAsSystem: false,
    };
  }
  if (fn.has_user_script) return scriptPrincipal();

  const authorization = headers.authorization;
  if (authorization !== undefined && /^bearer\s/i.test(authorization)) throw GatewayErrors.invalidSession();

  const key = single(headers.apikey) ?? single(headers['api-key']);
  if (key !== undefined) {
    const matched = apiKeys.match(key);
    if (matched === undefined) throw GatewayErrors.invalidSession();
    return {
      user: {
        id: matched.id,
        type: 'server',
        data: { name: matched.name },
        custom_data: {},
        identities: [{ id: matched.id, provider_type: 'api-key' }],
      },
      runAsSystem: false,
    };
  }

  const hasEmail = headers.email !== undefined;
  const hasPassword = headers.password !== undefined;
  if (hasEmail !== hasPassword) throw GatewayErrors.partialCredentials();
  // Email/password and custom JWT providers arrive in later issues: no such user can exist yet.
  if (hasEmail || headers.jwttokenstring !== undefined) throw GatewayErrors.invalidSession();
  throw GatewayErrors.noCredentials();
}
