import type { IncomingHttpHeaders } from 'node:http';
import { GatewayErrors } from '../gateway-errors';

/**
 * App Services' `allowed_request_origins` (reference §3.3): when the app lists origins, a request whose
 * `Origin` header names another origin is refused before anything else happens. Requests without an
 * `Origin` header (servers, curl) are not browser cross-origin requests and pass, as on App Services.
 * Origins compare as `scheme://host[:port]`, case-insensitively, a trailing slash ignored.
 */
export function assertOriginAllowed(
  allowed: readonly string[] | undefined,
  headers: IncomingHttpHeaders,
): void {
  if (allowed === undefined || allowed.length === 0) return;
  const origin = headers.origin;
  if (origin === undefined) return;
  const wanted = normalizeOrigin(origin);
  if (!allowed.some((entry) => normalizeOrigin(entry) === wanted))
    throw GatewayErrors.originNotAllowed(origin);
}

const normalizeOrigin = (origin: string): string => origin.trim().replace(/\/+$/, '').toLowerCase();
