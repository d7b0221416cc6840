import { randomUUID } from 'node:crypto';

/**
 * A fresh correlation id per request: the job's `requestId`, the `X-Request-Id` response header and the
 * `request_id` of the log link. A random UUID, because gateways in cluster mode share one log space;
 * Node serves these from a pre-generated entropy pool, so it costs well under a microsecond.
 */
export const newRequestId = (): string => randomUUID();

export const REQUEST_ID_HEADER = 'x-request-id';

/** The client's sane `X-Request-Id`, else a new one (shared with the registry's request logging). */
export { requestIdOf } from '@portico/logging';
