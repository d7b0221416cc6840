/**
 * Label values with a bounded set: a label built from something a client chooses (a route, an app id
 * that does not exist) would let anyone grow the metric series without limit.
 */

/** The app label of requests for no known app (no `/app/<id>/` prefix, or an id with no app). */
export const UNKNOWN_APP = 'unknown';

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** `2xx` for 204; anything outside 100–599 counts as `5xx` (the platform answered wrongly). */
export function statusClassIndex(status: number): number {
  const index = Math.floor(status / 100) - 1;
  return index >= 0 && index < STATUS_CLASSES.length ? index : 4;
}

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'other'] as const;
export type MethodLabel = (typeof METHODS)[number];

/** Index into `METHODS`; a method outside the list (Fastify accepts a few more) is `other`. */
export function methodIndex(method: string): number {
  switch (method) {
    case 'GET':
      return 0;
    case 'POST':
      return 1;
    case 'PUT':
      return 2;
    case 'PATCH':
      return 3;
    case 'DELETE':
      return 4;
    case 'HEAD':
      return 5;
    case 'OPTIONS':
      return 6;
    default:
      return 7;
  }
}
