import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyMatcher } from '@portico/auth';
import { ErrorCode, PorticoError } from '@portico/contracts';
import {
  authenticate,
  type FunctionFacts,
  type Principal,
  type TokenFacts,
} from './credential-authenticator';

/** Body fields a legacy webhook accepted as credentials (reference §3.2), and the header each stands for. */
const BODY_CREDENTIALS: [field: string, header: string][] = [
  ['api-key', 'apikey'],
  ['apiKey', 'apikey'],
  ['email', 'email'],
  ['password', 'password'],
  ['jwtTokenString', 'jwttokenstring'],
];
const CREDENTIAL_HEADERS = ['authorization', 'apikey', 'api-key', 'email', 'password', 'jwttokenstring'];

/** Credentials in a JSON body, as the headers they stand for; undefined when the body carries none. */
export function bodyCredentials(body: Uint8Array | null): Record<string, string> | undefined {
  if (body === null || body.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const found: Record<string, string> = {};
  for (const [field, header] of BODY_CREDENTIALS) {
    const value = (parsed as Record<string, unknown>)[field];
    if (typeof value === 'string' && found[header] === undefined) found[header] = value;
  }
  return Object.keys(found).length > 0 ? found : undefined;
}

/**
 * Who a legacy webhook request runs as: like any endpoint, except that with application
 * authentication the credentials may also come in the JSON body (`{"api-key": …}`, email + password,
 * `jwtTokenString`); they are checked exactly as the headers would be. Both at once is a 400 (§3.2).
 */
export function authenticateWebhook(
  fn: FunctionFacts,
  headers: IncomingHttpHeaders,
  body: Uint8Array | null,
  apiKeys: ApiKeyMatcher,
  app: TokenFacts,
): Principal | Promise<Principal> {
  const appAuth = !fn.run_as_system && fn.run_as_user_id === undefined && !fn.has_user_script;
  const fromBody = appAuth ? bodyCredentials(body) : undefined;
  if (fromBody === undefined) return authenticate(fn, headers, apiKeys, app);
  if (CREDENTIAL_HEADERS.some((name) => headers[name] !== undefined))
    throw new PorticoError(
      ErrorCode.InvalidParameter,
      'credentials must be sent either in the request headers or in the body, not both',
      400,
    );
  return authenticate(fn, { ...headers, ...fromBody }, apiKeys, app);
}
