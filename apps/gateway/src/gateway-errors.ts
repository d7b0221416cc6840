import { ErrorCode, PorticoError } from '@portico/contracts';

/**
 * Every client-facing error of the data plane with its status and message (reference §3.4, §7.2).
 * Messages never carry platform detail; they may echo the caller's own input.
 */
export const GatewayErrors = {
  endpointNotFound: (path: string) =>
    new PorticoError(ErrorCode.EndpointNotFound, `cannot find endpoint for route '${path}'`, 404),
  appNotFound: (appId: string) =>
    new PorticoError(ErrorCode.AppNotFound, `cannot find app using Client App ID '${appId}'`, 404),
  methodNotAllowed: (method: string, path: string, allow: readonly string[]) =>
    new PorticoError(ErrorCode.MethodNotAllowed, `method ${method} is not allowed for route '${path}'`, 405, {
      allow,
    }),
  functionNotFound: (name: string) =>
    new PorticoError(ErrorCode.FunctionNotFound, `function not found: '${name}'`, 404),
  requestTooLarge: (limit: number) =>
    new PorticoError(
      ErrorCode.RequestTooLarge,
      `request body is larger than the limit of ${limit} bytes`,
      413,
    ),
  bodyIncomplete: () =>
    new PorticoError(ErrorCode.InvalidParameter, 'request body was not received completely', 400),
  secretRejected: () =>
    new PorticoError(ErrorCode.IncomingWebhookAuthFailed, 'invalid or missing secret query parameter', 401),
  signatureRejected: () =>
    new PorticoError(
      ErrorCode.IncomingWebhookAuthFailed,
      'invalid or missing Endpoint-Signature header',
      401,
    ),
  /** One message for every failed credential, so the answer never tells which part was wrong. */
  invalidSession: () =>
    new PorticoError(ErrorCode.InvalidSession, 'invalid session: error finding user for endpoint', 401),
  partialCredentials: () =>
    new PorticoError(
      ErrorCode.MissingParameter,
      'must specify some form of authentication (either email+password, api-key, or jwt) in the request header or body',
      400,
    ),
  noCredentials: () =>
    new PorticoError(ErrorCode.InvalidParameter, 'no authentication methods were specified', 400),
  /** Per-app admission refused the request (`limits.rate_per_sec` or `limits.max_concurrent`). */
  tooManyRequests: (limit: 'rate_per_sec' | 'max_concurrent', retryAfterSeconds: number) =>
    new PorticoError(
      ErrorCode.TooManyRequests,
      limit === 'rate_per_sec'
        ? 'too many requests: the app is over its request rate limit'
        : 'too many requests: the app has too many requests in progress',
      429,
      { retryAfterSeconds },
    ),
  /** The root config's `allowed_request_origins` does not list the request's `Origin` (reference §3.3). */
  originNotAllowed: (origin: string) =>
    new PorticoError(ErrorCode.OriginNotAllowed, `origin '${origin}' is not allowed for this app`, 403),
  invalidResponse: (what: string) => new PorticoError(ErrorCode.FunctionExecutionError, what, 400),
  internal: () => new PorticoError(ErrorCode.InternalServerError, 'internal server error', 500),
} as const;
