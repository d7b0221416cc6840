/** What an Atlas error body is made of; `PorticoError` and `InvocationFailure` both fit. */
export interface AtlasError {
  /** A stable `ErrorCode` (or an `InvocationFailure` code, which is one). */
  code: string;
  message: string;
  status: number;
  details?: Record<string, unknown>;
}

/**
 * The part of a reply an error answer needs. Structural, so Fastify's router-level error hooks (typed
 * for every server flavour) and route handlers can both use it.
 */
export interface ErrorReply {
  header(name: string, value: string): unknown;
  code(status: number): unknown;
  send(payload: string): unknown;
}

/** `<publicAdminUrl>/admin/v1/apps/<appId>/logs?request_id=<id>`: where the invocation's log entry is. */
export function logLink(publicAdminUrl: string, appId: string, requestId: string): string {
  return `${publicAdminUrl}/admin/v1/apps/${encodeURIComponent(appId)}/logs?request_id=${encodeURIComponent(requestId)}`;
}

/**
 * The one place an Atlas-style error is written (reference §2.5): `{"error", "error_code", "link"}`
 * as JSON with the error's status. `link` is left out only when the URL named no app. A 405 carries
 * `Allow`; a 429 or 503 with `details.retryAfterSeconds` carries `Retry-After`; a 413 closes the
 * connection, because the rest of the body was never read.
 */
export function sendAtlasError(reply: ErrorReply, error: AtlasError, link: string | undefined): void {
  const allow = error.details?.allow;
  if (Array.isArray(allow)) reply.header('allow', allow.join(', '));
  const retryAfter = error.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  if (error.status === 413) reply.header('connection', 'close');
  reply.code(error.status);
  reply.header('content-type', 'application/json');
  reply.send(JSON.stringify({ error: error.message, error_code: error.code, link }));
}
