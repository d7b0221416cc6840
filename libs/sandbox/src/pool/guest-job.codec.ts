import type { InvocationJob } from '@portico/contracts';
import type { GuestJobCore, GuestJobDetail } from '../guest/guest-message.constants';

/**
 * The job as the guest runtime reads it: the core JSON it always parses (function, format, request
 * headers and query), a newline (JSON has none), then the detail JSON it parses only if the function
 * reads `context.user` or `context.request`.
 * The body bytes are not in it: they travel raw in the frame body.
 */
export function encodeGuestJob(job: InvocationJob): string {
  const { request } = job;
  const core: GuestJobCore = {
    f: job.functionName,
    fmt: job.responseFormat,
    rr: job.endpoint.respondResult,
    ...(job.endpoint.webhook ? { wh: 1 as const } : {}),
    sys: job.runAsSystem,
    ...(job.userDecided ? { ud: 1 as const } : {}),
    b: request.body === null ? null : request.body.byteLength,
    h: request.headers,
    q: request.query,
  };
  const detail: GuestJobDetail = {
    request: {
      method: request.method,
      route: request.route,
      rawQueryString: request.rawQueryString,
      remoteIPAddress: request.remoteIPAddress,
    },
    endpoint: { route: job.endpoint.route, httpMethod: job.endpoint.httpMethod },
    user: job.user,
  };
  return `${JSON.stringify(core)}\n${JSON.stringify(detail)}`;
}
