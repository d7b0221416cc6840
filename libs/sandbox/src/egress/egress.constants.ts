/**
 * Caps on what one invocation may do through `context.http` (issue [P3] item 2–3; Atlas allows 25
 * sockets per function, reference/atlas-endpoints.md §2.9). Decided here, in one place.
 */
export const EGRESS_LIMITS = {
  /** Outbound requests in flight at once per invocation; more wait for a free slot. */
  maxConcurrent: 25,
  /** Outbound requests (redirect hops included) per invocation; more are refused. */
  maxRequests: 100,
  /** Largest response body read, bytes; a larger one fails the call. */
  maxResponseBytes: 20 * 1024 * 1024,
  /** Redirect hops followed when `followRedirects` is true. */
  maxRedirects: 10,
  /** Largest request body sent, bytes (Atlas' incoming request cap, so a body fits either way). */
  maxRequestBytes: 18 * 1024 * 1024,
} as const;

/** The host-call op the guest's `context.http.*` methods use. */
export const HTTP_REQUEST_OP = 'http.request';

/** Methods `context.http` offers (reference §2.6), as sent on the wire. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
