import { ErrorCode, PorticoError } from '@portico/contracts';
import type { HostCall, HostCallHandler } from '../sandbox.port';
import { EgressClient, type EgressCaps } from './egress.client';
import { EGRESS_LIMITS, HTTP_REQUEST_OP } from './egress.constants';
import { EgressPolicy, type ResolveAll } from './egress.policy';
import { decodeHttpRequest, encodeHttpResponse } from './http-request.codec';

/** What one invocation's `context.http` needs to know. */
export interface HttpHostCallsOptions {
  /** The app's `limits.egress_allow` (host names, `*.domain`, IPs, CIDRs); `[]` denies every non-public address. */
  egressAllow: readonly string[];
  /** Epoch ms when the invocation must end; every request is aborted by then. */
  deadline: number;
  /** Defaults `EGRESS_LIMITS`. */
  caps?: Partial<EgressCaps>;
  /** Defaults to `dns.lookup(host, {all: true})`; tests stage answers with it. */
  resolveAll?: ResolveAll;
}

/** A `HostCallHandler` for `http.*` ops, plus `close()` to call once the invocation is over. */
export type HttpHostCalls = HostCallHandler & { close(): void };

/**
 * Builds the handler behind one invocation's `context.http` (op `http.request`, args
 * `[method, {url | scheme/host/…, headers, cookies, body, encodeBodyAsJSON, followRedirects}]`, result
 * `{status, statusCode, contentLength, headers, cookies, body}` as canonical EJSON). Requests leave
 * from this process through the app's egress policy. Call `close()` when the invocation settles so
 * nothing it started outlives it.
 */
export function createHttpHostCalls(options: HttpHostCallsOptions): HttpHostCalls {
  const policy = new EgressPolicy(options.egressAllow, options.resolveAll);
  const client = new EgressClient(policy, options.deadline, { ...EGRESS_LIMITS, ...options.caps });
  const handler = async ({ op, args }: HostCall): Promise<string> => {
    if (op !== HTTP_REQUEST_OP)
      throw new PorticoError(ErrorCode.InvalidParameter, `unsupported operation '${op}'`, 400);
    return encodeHttpResponse(await client.send(decodeHttpRequest(args)));
  };
  return Object.assign(handler, { close: () => client.close() });
}
