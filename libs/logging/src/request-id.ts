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

/**
 * Fastify options that make its request id (`request.id`, which middie also gives the raw request,
 * so pino-http logs it) the correlation id above. Spread into the `FastifyAdapter` options of an app
 * using `HttpLoggingModule`.
 */
export const FASTIFY_REQUEST_ID_OPTIONS = {
  requestIdHeader: false,
  genReqId: (request: { headers: Record<string, string | string[] | undefined> }): string =>
    requestIdOf(request.headers[REQUEST_ID_HEADER]),
} as const;
