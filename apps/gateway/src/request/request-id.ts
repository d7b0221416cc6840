import { randomUUID } from 'node:crypto';

/**
 * A fresh correlation id per request: the job's `requestId`, the `X-Request-Id` response header and the
 * `request_id` of the log link. A random UUID, because gateways in cluster mode share one log space;
 * Node serves these from a pre-generated entropy pool, so it costs well under a microsecond.
 */
export const newRequestId = (): string => randomUUID();

export const REQUEST_ID_HEADER = 'x-request-id';

/** What a client may send as its own `X-Request-Id`: a plain token, short enough for a log field. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The request's correlation id: the client's `X-Request-Id` when it is a sane token (so a caller can
 * follow its own id through the platform's logs), else a fresh one. The id only ever labels this
 * request in its own app's log, so a client choosing it can confuse no one but itself.
 */
export const requestIdOf = (incoming: string | string[] | undefined): string =>
  typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : newRequestId();
