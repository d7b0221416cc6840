import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { ErrorCode, PorticoError } from '@portico/contracts';
import { EGRESS_LIMITS } from './egress.constants';
import type { EgressPolicy, PinnedAddress } from './egress.policy';
import type { OutboundRequest, OutboundResponse } from './http-request.codec';

/** Caps of one client; defaults `EGRESS_LIMITS`. */
export interface EgressCaps {
  maxConcurrent: number;
  maxRequests: number;
  maxResponseBytes: number;
  maxRedirects: number;
}

const httpError = (message: string): PorticoError =>
  new PorticoError(ErrorCode.HTTPError, `context.http: ${message}`, 502);

/** Go's canonical header key (`content-type` → `Content-Type`), as Atlas returns them. */
const canonicalKey = (name: string): string =>
  name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());

function canonicalHeaders(raw: readonly string[]): Record<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = canonicalKey(raw[i]);
    const list = grouped.get(key);
    if (list) list.push(raw[i + 1]);
    else grouped.set(key, [raw[i + 1]]);
  }
  return Object.fromEntries(grouped);
}

/**
 * Header lines as Node's object form (an array value sends one line per value), so Node still adds
 * `Host`; names that differ only in case are merged under the first spelling.
 */
function headerObject({ headers, body }: OutboundRequest): Record<string, string[]> {
  const out = Object.create(null) as Record<string, string[]>;
  const spelling = new Map<string, string>();
  for (const [name, value] of headers) {
    const key = spelling.get(name.toLowerCase()) ?? name;
    spelling.set(name.toLowerCase(), key);
    (out[key] ??= []).push(value);
  }
  if (body) out['Content-Length'] = [String(body.length)];
  return out;
}

/** A lookup that only ever answers the address the policy checked (no second DNS query). */
function pinnedLookup({ address, family }: PinnedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) (callback as (e: null, a: PinnedAddress[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Makes one invocation's `context.http` requests from the worker process (never from guest sockets),
 * through its app's `EgressPolicy`: every hop is resolved once, checked, and connected to the
 * checked address. Counts requests and concurrency per invocation, caps response bodies, and stops
 * everything at the invocation deadline or at `close()`.
 */
export class EgressClient {
  readonly #closed = new AbortController();
  #started = 0;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(
    private readonly policy: EgressPolicy,
    /** Epoch ms after which no request may still run (the invocation deadline). */
    private readonly deadline: number,
    private readonly caps: EgressCaps = EGRESS_LIMITS,
  ) {}

  /** Aborts every request in flight and refuses new ones (the invocation is over). */
  close(): void {
    this.#closed.abort();
    for (const wake of this.#waiting.splice(0)) wake();
  }

  /** Sends `req`, following redirects when asked; resolves with the last hop's answer. */
  async send(req: OutboundRequest): Promise<OutboundResponse> {
    await this.#acquire();
    try {
      return await this.#follow(req);
    } finally {
      this.#release();
    }
  }

  async #acquire(): Promise<void> {
    while (this.#active >= this.caps.maxConcurrent && !this.#closed.signal.aborted)
      await new Promise<void>((wake) => this.#waiting.push(wake));
    if (this.#closed.signal.aborted) throw httpError('the invocation has already finished');
    this.#active++;
  }

  #release(): void {
    this.#active--;
    this.#waiting.shift()?.();
  }

  async #follow(first: OutboundRequest): Promise<OutboundResponse> {
    let req = first;
    for (let hop = 0; ; hop++) {
      const res = await this.#once(req);
      const location = res.headers.Location?.[0];
      if (!req.followRedirects || !REDIRECTS.has(res.statusCode) || location === undefined) return res;
      if (hop >= this.caps.maxRedirects) throw httpError(`stopped after ${this.caps.maxRedirects} redirects`);
      let next: URL;
      try {
        next = new URL(location, req.url);
      } catch {
        throw httpError(`invalid redirect location '${location}'`);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:')
        throw httpError(`redirect to unsupported scheme '${next.protocol}'`);
      // As browsers do: 303 (and 301/302 after a POST) become a GET without a body; credentials
      // and cookies never travel to another origin.
      const toGet =
        res.statusCode === 303 ||
        ((res.statusCode === 301 || res.statusCode === 302) && req.method === 'POST');
      const sameOrigin = next.origin === req.url.origin;
      req = {
        ...req,
        url: next,
        method: toGet && req.method !== 'HEAD' ? 'GET' : req.method,
        body: toGet ? undefined : req.body,
        headers: req.headers.filter(([name]) => {
          const lower = name.toLowerCase();
          if (toGet && lower === 'content-type') return false;
          return sameOrigin || (lower !== 'authorization' && lower !== 'cookie');
        }),
      };
      if (!sameOrigin) {
        req.url.username = '';
        req.url.password = '';
      }
    }
  }

  /** One hop: count it, resolve and check the host, connect to the pinned address, read the answer. */
  async #once(req: OutboundRequest): Promise<OutboundResponse> {
    if (this.#started >= this.caps.maxRequests)
      throw httpError(`exceeded ${this.caps.maxRequests} outbound requests per invocation`);
    this.#started++;
    const remaining = this.deadline - Date.now();
    if (remaining <= 0) throw httpError('request timed out (invocation deadline)');
    const pinned = await this.policy.resolve(req.url.hostname);
    const timeout = AbortSignal.timeout(this.deadline - Date.now());
    const signal = AbortSignal.any([this.#closed.signal, timeout]);
    const { url } = req;
    const options: RequestOptions = {
      method: req.method,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      headers: headerObject(req),
      lookup: pinnedLookup(pinned),
      agent: false,
      signal,
      ...(url.username || url.password
        ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` }
        : {}),
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<OutboundResponse>((resolve, reject) => {
      const fail = (error: unknown) => {
        if (timeout.aborted) reject(httpError(`request to ${url.origin} timed out`));
        else if (this.#closed.signal.aborted) reject(httpError('the invocation has already finished'));
        else if (error instanceof PorticoError) reject(error);
        else reject(httpError(`request to ${url.origin} failed: ${(error as Error).message}`));
      };
      let outgoing;
      try {
        outgoing = send(options, (res) => void this.#read(res, req.method === 'HEAD').then(resolve, fail));
      } catch (error) {
        // Node validates header names and values synchronously.
        reject(
          new PorticoError(ErrorCode.InvalidParameter, `context.http: ${(error as Error).message}`, 400),
        );
        return;
      }
      outgoing.on('error', fail);
      outgoing.end(req.body);
    });
  }

  #read(res: IncomingMessage, head: boolean): Promise<OutboundResponse> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.caps.maxResponseBytes) {
          res.destroy();
          reject(httpError(`response body exceeds ${this.caps.maxResponseBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          statusCode: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? '',
          headers: canonicalHeaders(res.rawHeaders),
          body: head ? Buffer.alloc(0) : Buffer.concat(chunks, size),
        }),
      );
    });
  }
}
