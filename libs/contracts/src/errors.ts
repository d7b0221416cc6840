/**
 * Stable error codes. Function-endpoint clients see them as `error_code` in the Atlas error body
 * `{error, error_code, link}`; the admin API uses the same codes in `{error, error_code, details?}`.
 * Codes are part of the public contract: never rename one, add new ones instead.
 */
export const ErrorCode = {
  // data plane (Atlas vocabulary, reference/atlas-endpoints.md §2.5, §3.4, §7)
  FunctionExecutionError: 'FunctionExecutionError',
  ExecutionTimeLimitExceeded: 'ExecutionTimeLimitExceeded',
  MemoryLimitExceeded: 'MemoryLimitExceeded',
  /** The function's response body is over `limits.max_response_bytes`. */
  ResponseTooLarge: 'ResponseTooLarge',
  EndpointNotFound: 'EndpointNotFound',
  MethodNotAllowed: 'MethodNotAllowed',
  AppNotFound: 'AppNotFound',
  FunctionNotFound: 'FunctionNotFound',
  IncomingWebhookAuthFailed: 'IncomingWebhookAuthFailed',
  OriginNotAllowed: 'OriginNotAllowed',
  InvalidParameter: 'InvalidParameter',
  MissingParameter: 'MissingParameter',
  InvalidSession: 'InvalidSession',
  /** A `can_evaluate` expression evaluated to false (or could not be evaluated): 401, nothing ran. */
  NoMatchingRule: 'NoMatchingRule',
  RequestTooLarge: 'RequestTooLarge',
  TooManyRequests: 'TooManyRequests',
  InternalServerError: 'InternalServerError',
  ServiceUnavailable: 'ServiceUnavailable',
  /** `context.http` to an address the app's egress policy denies. */
  DomainNotAllowed: 'DomainNotAllowed',
  /** `context.http` failed on the network (DNS, connection, timeout, oversized response). */
  HTTPError: 'HTTPError',
  // users and the client login/session API (reference §2.5 vocabulary)
  InvalidPassword: 'InvalidPassword',
  AuthError: 'AuthError',
  AuthProviderNotFound: 'AuthProviderNotFound',
  AccountNameInUse: 'AccountNameInUse',
  UserAlreadyConfirmed: 'UserAlreadyConfirmed',
  UserNotFound: 'UserNotFound',
  UserDisabled: 'UserDisabled',
  APIKeyNotFound: 'APIKeyNotFound',
  // control plane
  BadRequest: 'BadRequest',
  Unauthorized: 'Unauthorized',
  NotFound: 'NotFound',
  Conflict: 'Conflict',
  /** An export upload that cannot become a deployment; the body carries the import report. */
  InvalidImport: 'InvalidImport',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * An error the platform expects and knows how to answer. `status` is the HTTP status it maps to;
 * `message` is safe to show to the client (never a stack trace or a platform path).
 */
export class PorticoError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number,
    /** Extra, client-safe detail (e.g. per-field validation messages, the `Allow` methods). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'PorticoError';
  }
}

export const notFound = (what: string): PorticoError =>
  new PorticoError(ErrorCode.NotFound, `${what} not found`, 404);
