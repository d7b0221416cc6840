import { randomUUID } from 'node:crypto';

/** The header that carries the correlation id, both ways. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** What a client may send as its own `X-Request-Id`: a plain token, short enough for a log field. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The correlation id of a request: the client's `X-Request-Id` when it is a sane token (so a caller
 * can follow its own id through the platform's logs), else a fresh random UUID. Anything else (a
 * repeated header, spaces, control characters, overlong) is ignored rather than logged.
 */
export function requestIdOf(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
