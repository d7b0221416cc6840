import type { ClientAuthOp } from '@portico/contracts';

/**
 * The App Services client API calls Portico answers (reference §3.2), under `/api/client/v2.0/`:
 * - `app/<appId>/auth/providers/<provider>/login` (POST)
 * - `app/<appId>/auth/providers/local-userpass/{register, confirm, confirm/call, reset, reset/call}` (POST)
 * - `auth/session` (POST refresh, DELETE logout) and `auth/profile` (GET): the app comes from the token.
 * - `auth/api_keys` (GET list, POST create), `auth/api_keys/<id>` (GET, DELETE),
 *   `auth/api_keys/<id>/{enable,disable}` (PUT): the user's API keys.
 */
export type ClientApiCall =
  | { scope: 'app'; appId: string; op: ClientAuthOp; provider: string }
  | { scope: 'session'; op: 'refresh' | 'logout' | 'profile' }
  /** A user's own API keys (`auth/api_keys[/<id>[/enable|/disable]]`), with the user's token. */
  | { scope: 'user'; op: ClientAuthOp; apiKeyId?: string };

export const CLIENT_API_PREFIX = '/api/client/v2.0/';

const LOCAL_USERPASS_OPS: Record<string, ClientAuthOp> = {
  register: 'register',
  confirm: 'confirm',
  'confirm/call': 'confirm-call',
  reset: 'reset',
  'reset/call': 'reset-call',
};

/**
 * Parses a client API URL; undefined for any other path (legacy webhook URLs under the same prefix
 * included) or a method the call does not take. Segments are percent-decoded.
 */
export function parseClientApiUrl(method: string, url: string): ClientApiCall | undefined {
  if (!url.startsWith(CLIENT_API_PREFIX)) return undefined;
  const q = url.indexOf('?');
  const path = url.slice(CLIENT_API_PREFIX.length, q === -1 ? undefined : q).replace(/\/+$/, '');
  if (path === 'auth/session') {
    if (method === 'POST') return { scope: 'session', op: 'refresh' };
    if (method === 'DELETE') return { scope: 'session', op: 'logout' };
    return undefined;
  }
  if (path === 'auth/profile') return method === 'GET' ? { scope: 'session', op: 'profile' } : undefined;
  const keys = /^auth\/api_keys(?:\/([0-9a-f]{24})(?:\/(enable|disable))?)?$/.exec(path);
  if (keys) {
    const [, apiKeyId, toggle] = keys;
    if (apiKeyId === undefined) {
      if (method === 'GET') return { scope: 'user', op: 'api-key-list' };
      return method === 'POST' ? { scope: 'user', op: 'api-key-create' } : undefined;
    }
    if (toggle !== undefined)
      return method === 'PUT'
        ? { scope: 'user', op: `api-key-${toggle}` as ClientAuthOp, apiKeyId }
        : undefined;
    if (method === 'GET') return { scope: 'user', op: 'api-key-get', apiKeyId };
    return method === 'DELETE' ? { scope: 'user', op: 'api-key-delete', apiKeyId } : undefined;
  }
  const m = /^app\/([^/]+)\/auth\/providers\/([^/]+)\/(.+)$/.exec(path);
  if (!m || method !== 'POST') return undefined;
  let appId: string;
  let provider: string;
  try {
    appId = decodeURIComponent(m[1]);
    provider = decodeURIComponent(m[2]);
  } catch {
    return undefined;
  }
  const action = m[3];
  if (action === 'login') return { scope: 'app', appId, op: 'login', provider };
  if (provider === 'local-userpass' && Object.hasOwn(LOCAL_USERPASS_OPS, action))
    return { scope: 'app', appId, op: LOCAL_USERPASS_OPS[action], provider };
  return undefined;
}
