import { ErrorCode, PorticoError } from '@portico/contracts';

/** The Data API's own refusals at the gateway (reference §4); auth errors are the endpoints' (§3.4). */
export const DataApiErrors = {
  /** Every action is `POST /action/<name>`. */
  methodNotAllowed: (method: string, path: string) =>
    new PorticoError(ErrorCode.MethodNotAllowed, `method ${method} is not allowed for route '${path}'`, 405, {
      allow: ['POST'],
    }),
  /** `Content-Type: application/json` or `application/ejson` is required (reference §4). */
  unsupportedContentType: (contentType: string | undefined) =>
    new PorticoError(
      ErrorCode.InvalidParameter,
      contentType === undefined
        ? 'a Content-Type header of application/json or application/ejson is required'
        : `unsupported Content-Type '${contentType}': use application/json or application/ejson`,
      400,
    ),
} as const;
