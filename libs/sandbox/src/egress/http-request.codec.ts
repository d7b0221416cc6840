import { Binary, Double, EJSON, Int32, Long } from 'bson';
import { ErrorCode, PorticoError } from '@portico/contracts';
import { EGRESS_LIMITS, HTTP_METHODS, type HttpMethod } from './egress.constants';

/** One outbound request, validated: what the egress client sends. */
export interface OutboundRequest {
  method: HttpMethod;
  url: URL;
  /** Header lines in order; a name may repeat. */
  headers: [name: string, value: string][];
  body: Buffer | undefined;
  followRedirects: boolean;
}

/** The answer of the last hop, as received. */
export interface OutboundResponse {
  statusCode: number;
  statusMessage: string;
  /** MIME-canonical names, every occurrence kept in order. */
  headers: Record<string, string[]>;
  body: Buffer;
}

type Dict = Record<string, unknown>;

const invalid = (message: string): PorticoError =>
  new PorticoError(ErrorCode.InvalidParameter, `context.http: ${message}`, 400);

/** Headers the client sets itself: letting the guest set them would desynchronise the framing. */
const MANAGED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
]);

/** Atlas `context.http` arguments it does not offer (yet); refused rather than silently ignored. */
const UNSUPPORTED = ['form', 'digestAuth', 'authUrl'] as const;

const isDict = (v: unknown): v is Dict => v !== null && typeof v === 'object' && !Array.isArray(v);

/** EJSON numbers (Int32, Double, Long) and plain numbers as a string, for URL parts. */
function scalar(v: unknown, field: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Int32 || v instanceof Double || v instanceof Long) return v.toString();
  throw invalid(`${field} must be a string`);
}

/** `{name: [values]}` (Atlas) or `{name: value}` as a list of values per name. */
function multiValues(v: unknown, field: string): [string, string[]][] {
  if (v === undefined || v === null) return [];
  if (!isDict(v)) throw invalid(`${field} must be an object of arrays`);
  return Object.entries(v).map(([name, values]) => [
    name,
    Array.isArray(values)
      ? values.map((x) => scalar(x, `${field}.${name}`))
      : [scalar(values, `${field}.${name}`)],
  ]);
}

/** The URL from `url`, or from `scheme/host/path/query/fragment/username/password` (reference §2.6). */
function buildUrl(args: Dict): URL {
  let url: URL;
  if (args.url !== undefined && args.url !== null) {
    const text = scalar(args.url, 'url');
    try {
      url = new URL(text);
    } catch {
      throw invalid(`invalid url '${text}'`);
    }
  } else {
    if (args.host === undefined || args.host === null) throw invalid('url or host is required');
    const scheme = args.scheme === undefined || args.scheme === null ? 'http' : scalar(args.scheme, 'scheme');
    const path = args.path === undefined || args.path === null ? '' : scalar(args.path, 'path');
    const host = scalar(args.host, 'host');
    try {
      url = new URL(`${scheme}://${host}`);
      url.pathname = path.startsWith('/') || path === '' ? path : `/${path}`;
    } catch {
      throw invalid(`invalid host '${host}'`);
    }
    for (const [name, values] of multiValues(args.query, 'query'))
      for (const value of values) url.searchParams.append(name, value);
    if (args.fragment !== undefined && args.fragment !== null) url.hash = scalar(args.fragment, 'fragment');
    if (args.username !== undefined && args.username !== null)
      url.username = scalar(args.username, 'username');
    if (args.password !== undefined && args.password !== null)
      url.password = scalar(args.password, 'password');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid(`unsupported scheme '${url.protocol.slice(0, -1)}' (http or https only)`);
  return url;
}

/** `body`: a string or a BSON.Binary; any value when `encodeBodyAsJSON` is true. */
function buildBody(args: Dict, headers: [string, string][]): Buffer | undefined {
  const body = args.body;
  if (args.encodeBodyAsJSON === true) {
    if (body === undefined) return undefined;
    if (!headers.some(([name]) => name.toLowerCase() === 'content-type'))
      headers.push(['Content-Type', 'application/json']);
    return Buffer.from(EJSON.stringify(body, { relaxed: true }), 'utf8');
  }
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Binary) return Buffer.from(body.buffer.subarray(0, body.position));
  throw invalid('body must be a string or a BSON.Binary (set encodeBodyAsJSON: true to send an object)');
}

/**
 * Validates the guest's `http.request` host-call arguments `[method, args]` (canonical EJSON, so
 * Binary bodies arrive as `Binary`). Throws `InvalidParameter` with a message naming the field.
 */
export function decodeHttpRequest(argsText: string): OutboundRequest {
  const parsed = EJSON.parse(argsText, { relaxed: false }) as unknown;
  if (!Array.isArray(parsed)) throw invalid('host call arguments must be an array');
  const [rawMethod, rawArgs] = parsed as [unknown, unknown];
  const method = String(rawMethod).toUpperCase() as HttpMethod;
  if (!HTTP_METHODS.includes(method)) throw invalid(`unsupported method '${String(rawMethod)}'`);
  if (!isDict(rawArgs)) throw invalid('expects an object argument, e.g. { url: "https://example.com" }');
  for (const field of UNSUPPORTED)
    if (rawArgs[field] !== undefined && rawArgs[field] !== null) throw invalid(`'${field}' is not supported`);

  const url = buildUrl(rawArgs);
  const headers: [string, string][] = [];
  for (const [name, values] of multiValues(rawArgs.headers, 'headers')) {
    if (MANAGED_HEADERS.has(name.toLowerCase())) continue;
    for (const value of values) headers.push([name, value]);
  }
  const cookies = rawArgs.cookies;
  if (cookies !== undefined && cookies !== null) {
    if (!isDict(cookies)) throw invalid('cookies must be an object of strings');
    const pairs = Object.entries(cookies).map(
      ([name, value]) => `${name}=${scalar(value, `cookies.${name}`)}`,
    );
    if (pairs.length > 0) headers.push(['Cookie', pairs.join('; ')]);
  }
  const body = buildBody(rawArgs, headers);
  if (body !== undefined && body.length > EGRESS_LIMITS.maxRequestBytes)
    throw invalid(`body exceeds ${EGRESS_LIMITS.maxRequestBytes} bytes`);
  return { method, url, headers, body, followRedirects: rawArgs.followRedirects === true };
}

/** `name=value` pairs of the `Set-Cookie` fields (attributes dropped); a later one wins. */
function responseCookies(setCookie: readonly string[]): Record<string, string> {
  const entries: [string, string][] = [];
  for (const line of setCookie) {
    const pair = line.split(';', 1)[0];
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    entries.push([pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()]);
  }
  return Object.fromEntries(entries);
}

/**
 * The guest's result (reference §2.6): `{status, statusCode, contentLength, headers, cookies, body}`,
 * canonical EJSON. `status` is the status line text (`"200 OK"`, as Go's `Response.Status`);
 * `contentLength` is the `Content-Length` header when the server sent one, else the bytes received;
 * `body` is a `BSON.Binary`, absent when empty.
 */
export function encodeHttpResponse(res: OutboundResponse): string {
  const declared = Number(res.headers['Content-Length']?.[0]);
  return EJSON.stringify(
    {
      status: `${res.statusCode} ${res.statusMessage}`.trim(),
      statusCode: res.statusCode,
      contentLength: Number.isSafeInteger(declared) && declared >= 0 ? declared : res.body.length,
      headers: res.headers,
      cookies: responseCookies(res.headers['Set-Cookie'] ?? []),
      ...(res.body.length > 0 ? { body: new Binary(res.body) } : {}),
    },
    { relaxed: false },
  );
}
