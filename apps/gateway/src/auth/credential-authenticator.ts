import type { IncomingHttpHeaders } from 'node:http';
import { verifyAppToken, type ApiKeyMatcher } from '@portico/auth';
import type { GuestUser, InvocationJob, RouteSnapshot, UserAuthJob } from '@portico/contracts';
import { GatewayErrors } from '../gateway-errors';
import { firstHeaderValue as single } from '../request/header-value';

/** Who an invocation runs as. */
export interface Principal {
  user: GuestUser;
  runAsSystem: boolean;
  /**
   * Set when the worker must finish authentication: load the Bearer token's user, or check the
   * credential headers against the app's providers (`user` is then only a placeholder).
   */
  userAuth?: UserAuthJob;
}

/**
 * The job fields that hand an unfinished authentication to the worker, with the endpoint's (or the
 * Data API's) user options (reference §1.2); none when the principal is already decided.
 */
export function userAuthFields(
  principal: Principal,
  options: { create_user_on_auth: boolean; fetch_custom_user_data: boolean },
): Pick<InvocationJob, 'userAuth' | 'userOptions'> {
  if (!principal.userAuth) return {};
  return {
    userAuth: principal.userAuth,
    userOptions: {
      createUserOnAuth: options.create_user_on_auth,
      fetchCustomUserData: options.fetch_custom_user_data,
    },
  };
}

/** What Bearer verification needs of the app: its id and token signing key. */
export type TokenFacts = Pick<RouteSnapshot, 'appId' | 'auth_signing_key' | 'user_api_keys'>;

const pendingUser = (id: string): GuestUser => ({
  id,
  type: 'normal',
  data: {},
  custom_data: {},
  identities: [],
});

/** A valid access token of this app names the user; any failure is the one §3.4 401, without detail. */
async function bearerPrincipal(authorization: string, app: TokenFacts): Promise<Principal> {
  const token = authorization.slice(authorization.indexOf(' ') + 1).trim();
  const claims =
    app.auth_signing_key === undefined
      ? undefined
      : await verifyAppToken(app.auth_signing_key, app.appId, token, 'access');
  if (claims === undefined) throw GatewayErrors.invalidSession();
  return {
    user: pendingUser(claims.sub),
    runAsSystem: false,
    userAuth: { via: 'token', userId: claims.sub },
  };
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

/**
 * Decides who a request runs as (reference §3.1, §3.2, §3.4) from the function's run mode and, for
 * application authentication, the credential headers. Throws the §3.4 errors.
 *
 * Order: `Authorization: Bearer` first (verified here, without I/O, against the app's signing key; a
 * Promise only on this path); then `apiKey` / `api-key`; then `email` + `password`; then
 * `jwtTokenString`. The last two are handed to the worker, which owns the users.
 */
export function authenticate(
  fn: FunctionFacts,
  headers: IncomingHttpHeaders,
  apiKeys: ApiKeyMatcher,
  app: TokenFacts,
): Principal | Promise<Principal> {
  if (fn.run_as_system) return systemPrincipal();
  if (fn.run_as_user_id !== undefined) {
    return {
      user: { id: fn.run_as_user_id, type: 'normal', data: {}, custom_data: {}, identities: [] },
      runAsSystem: false,
      userAuth: { via: 'run-as', userId: fn.run_as_user_id },
    };
  }
  if (fn.has_user_script) return scriptPrincipal();

  const authorization = headers.authorization;
  if (authorization !== undefined && /^bearer\s/i.test(authorization))
    return bearerPrincipal(authorization, app);

  const key = single(headers.apikey) ?? single(headers['api-key']);
  if (key !== undefined) {
    const matched = apiKeys.match(key);
    if (matched === undefined) {
      // Maybe a user's own API key: those live with the users, so the worker checks it.
      if (app.user_api_keys === true)
        return { user: pendingUser(''), runAsSystem: false, userAuth: { via: 'api-key', key } };
      throw GatewayErrors.invalidSession();
    }
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

  const email = single(headers.email);
  const password = single(headers.password);
  if ((email === undefined) !== (password === undefined)) throw GatewayErrors.partialCredentials();
  if (email !== undefined && password !== undefined) {
    return {
      user: pendingUser(''),
      runAsSystem: false,
      userAuth: { via: 'local-userpass', email, password },
    };
  }
  const jwt = single(headers.jwttokenstring);
  if (jwt !== undefined) {
    return { user: pendingUser(''), runAsSystem: false, userAuth: { via: 'custom-token', token: jwt } };
  }
  throw GatewayErrors.noCredentials();
}
