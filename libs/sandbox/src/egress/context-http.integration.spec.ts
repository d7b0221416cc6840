import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InvocationResult } from '@portico/contracts';
import { SandboxPool } from '../pool/sandbox.pool';
import { bundleOf, jobOf, memoryLogger, text } from '../testing/sandbox.fixtures';
import { createHttpHostCalls, type HttpHostCallsOptions } from './http-host-calls';

const APP = 'egress-abcde';

/** Guest functions: each reads the server port from `?port=` and reports what came back. */
const report = `const show = (r) => ({ status: r.status, statusCode: r.statusCode, contentLength: r.contentLength,
  headers: r.headers, cookies: r.cookies, isBinary: r.body instanceof BSON.Binary, hasBody: r.body !== undefined,
  text: r.body === undefined ? null : r.body.text() });`;
const FUNCTIONS: Record<string, string> = {
  plainGet: `exports = async function ({ query }) {
    const r = await context.http.get({ url: "http://127.0.0.1:" + query.port + "/echo" });
    return r.statusCode; };`,
  caught: `exports = async function ({ query }) {
    try { await context.http.get({ url: query.url }); return "no error"; } catch (e) { return e.message; } };`,
  post: `${report} exports = async function ({ query }) {
    return show(await context.http.post({ url: "http://127.0.0.1:" + query.port + "/echo?a=1",
      headers: { "X-Multi": ["one", "two"], "Content-Type": ["text/plain"] }, cookies: { team: "cubs", id: "7" }, body: "héllo" })); };`,
  binary: `${report} exports = async function ({ query }) {
    return show(await context.http.put({ scheme: "http", host: "127.0.0.1:" + query.port, path: "/echo",
      query: { q: ["x y", "z"] }, body: BSON.Binary.fromHex("00ff10") })); };`,
  json: `${report} exports = async function ({ query }) {
    return show(await context.http.patch({ url: "http://127.0.0.1:" + query.port + "/echo", encodeBodyAsJSON: true,
      body: { a: 1, list: [true, "x"] } })); };`,
  objectWithoutFlag: `exports = async function ({ query }) {
    try { await context.http.post({ url: "http://127.0.0.1:" + query.port + "/echo", body: { a: 1 } }); return "sent"; }
    catch (e) { return e.message; } };`,
  methods: `exports = async function ({ query }) {
    const url = "http://127.0.0.1:" + query.port + "/echo";
    const del = await context.http.delete({ url }); const head = await context.http.head({ url });
    return { del: JSON.parse(del.body.text()).method, head: head.statusCode, headBody: head.body === undefined }; };`,
  empty: `${report} exports = async function ({ query }) {
    return show(await context.http.get({ url: "http://127.0.0.1:" + query.port + "/empty" })); };`,
  redirect: `${report} exports = async function ({ query }) {
    return show(await context.http.get({ url: "http://127.0.0.1:" + query.port + "/redirect?to=" + encodeURIComponent(query.to),
      followRedirects: query.follow === "yes" })); };`,
  parallel: `exports = async function ({ query }) {
    const url = "http://127.0.0.1:" + query.port + "/slow-ish";
    const all = await Promise.allSettled(Array.from({ length: Number(query.n) }, () => context.http.get({ url })));
    return all.map((r) => r.status === "fulfilled" ? r.value.statusCode : r.reason.message); };`,
};

describe('context.http through a real sandbox host and a local server', () => {
  const pool = new SandboxPool({
    engine: 'isolated-vm',
    maxProcesses: 1,
    maxProcessesPerApp: 1,
    logger: memoryLogger(),
  });
  const bundle = bundleOf(APP, FUNCTIONS);
  let server: Server;
  let port: number;
  const seen: { method: string; url: string }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '' });
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/echo') {
      res.setHeader('Set-Cookie', ['session=abc; Path=/; HttpOnly', 'theme=dark']);
      res.setHeader('X-Reply', ['r1', 'r2']);
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          headers: req.rawHeaders,
          body: body.toString('base64'),
        }),
      );
    } else if (url.pathname === '/empty') {
      res.statusCode = 204;
      res.end();
    } else if (url.pathname === '/redirect') {
      res.writeHead(302, { Location: url.searchParams.get('to') ?? '/echo' }).end();
    } else if (url.pathname === '/loop') {
      res.writeHead(302, { Location: '/loop' }).end();
    } else if (url.pathname === '/slow-ish') {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        res.end('ok');
      }, 20);
    } else if (url.pathname === '/big') {
      res.end(Buffer.alloc(4096, 1));
    } else if (url.pathname === '/hang') {
      // Never answers: the caller's deadline must end it.
    } else res.writeHead(404).end();
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handle(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await pool.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const run = async (
    fn: string,
    query: Record<string, string>,
    options: Partial<HttpHostCallsOptions> = {},
  ): Promise<InvocationResult> => {
    const http = createHttpHostCalls({ egressAllow: [], deadline: Date.now() + 5000, ...options });
    try {
      return await pool.run(bundle, jobOf(APP, fn, {}, { query: { port: String(port), ...query } }), http);
    } finally {
      http.close();
    }
  };
  const allowed = { egressAllow: ['127.0.0.1'] };
  const json = (r: InvocationResult): unknown => {
    expect(r.error).toBeUndefined();
    return JSON.parse(text(r.response?.body));
  };
  const echoed = (r: { text: string }) =>
    JSON.parse(r.text) as { method: string; url: string; headers: string[]; body: string };

  it('denies loopback by default with an Atlas FunctionExecutionError, sending nothing', async () => {
    const r = await run('plainGet', {});
    expect(r.error).toMatchObject({
      code: 'FunctionExecutionError',
      message: expect.stringContaining(
        'context.http: egress to 127.0.0.1 denied: loopback address; allow it in limits.egress_allow',
      ),
    });
    expect(seen).toEqual([]);
  });

  it('lets the guest catch the denial, for metadata and private addresses too', async () => {
    for (const [url, kind] of [
      [`http://127.0.0.1:${port}/echo`, 'loopback'],
      ['http://169.254.169.254/latest/meta-data/', 'link-local'],
      ['http://[::ffff:127.0.0.1]:1/', 'loopback'],
      ['http://10.0.0.1/', 'private'],
    ]) {
      expect(json(await run('caught', { url }))).toContain(`denied: ${kind} address`);
    }
    expect(seen).toEqual([]);
  });

  it('allows 127.0.0.1 when egress_allow lists it: method, array headers, cookies, string body, result shape', async () => {
    const r = json(await run('post', {}, allowed)) as Record<string, unknown> & { text: string };
    expect(r).toMatchObject({
      status: '200 OK',
      statusCode: 200,
      isBinary: true,
      hasBody: true,
      cookies: { session: 'abc', theme: 'dark' },
      headers: expect.objectContaining({
        'Content-Type': ['application/json'],
        'X-Reply': ['r1', 'r2'],
        'Set-Cookie': ['session=abc; Path=/; HttpOnly', 'theme=dark'],
      }),
    });
    expect(r.contentLength).toBe(Buffer.byteLength(r.text));
    const sent = echoed(r);
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/echo?a=1');
    expect(Buffer.from(sent.body, 'base64').toString('utf8')).toBe('héllo');
    const pairs = sent.headers.flatMap((v, i) => (i % 2 === 0 ? [[v, sent.headers[i + 1]]] : []));
    expect(pairs).toEqual(
      expect.arrayContaining([
        ['X-Multi', 'one'],
        ['X-Multi', 'two'],
        ['Content-Type', 'text/plain'],
        ['Cookie', 'team=cubs; id=7'],
        ['Content-Length', String(Buffer.byteLength('héllo'))],
      ]),
    );
  });

  it('builds the URL from its parts and sends a Binary body byte for byte', async () => {
    const sent = echoed(json(await run('binary', {}, allowed)) as { text: string });
    expect(sent.method).toBe('PUT');
    expect(sent.url).toBe('/echo?q=x+y&q=z');
    expect(Buffer.from(sent.body, 'base64')).toEqual(Buffer.from([0x00, 0xff, 0x10]));
  });

  it('sends an object body as JSON only with encodeBodyAsJSON', async () => {
    const sent = echoed(json(await run('json', {}, allowed)) as { text: string });
    expect(sent.method).toBe('PATCH');
    expect(JSON.parse(Buffer.from(sent.body, 'base64').toString('utf8'))).toEqual({
      a: 1,
      list: [true, 'x'],
    });
    expect(sent.headers).toContain('application/json');
    expect(json(await run('objectWithoutFlag', {}, allowed))).toContain('set encodeBodyAsJSON: true');
  });

  it('offers delete and head; an empty body is absent', async () => {
    expect(json(await run('methods', {}, allowed))).toEqual({ del: 'DELETE', head: 200, headBody: true });
    expect(json(await run('empty', {}, allowed))).toMatchObject({
      statusCode: 204,
      status: '204 No Content',
      hasBody: false,
      contentLength: 0,
    });
  });

  it('returns the redirect itself unless followRedirects is true', async () => {
    const to = `http://127.0.0.1:${port}/echo`;
    expect(json(await run('redirect', { to }, allowed))).toMatchObject({
      statusCode: 302,
      headers: expect.objectContaining({ Location: [to] }),
    });
    const followed = json(await run('redirect', { to, follow: 'yes' }, allowed)) as {
      statusCode: number;
      text: string;
    };
    expect(followed.statusCode).toBe(200);
    expect(echoed(followed).method).toBe('GET');
    expect(seen.map((s) => s.url)).toEqual([
      expect.stringMatching(/^\/redirect/),
      expect.stringMatching(/^\/redirect/),
      '/echo',
    ]);
  });

  it('refuses a redirect from an allowed host to a denied one before connecting', async () => {
    for (const to of [`http://127.0.0.2:${port}/echo`, 'http://169.254.169.254/latest/meta-data/']) {
      seen.length = 0;
      const r = await run('redirect', { to, follow: 'yes' }, allowed);
      expect(r.error?.code).toBe('FunctionExecutionError');
      expect(r.error?.message).toContain('denied');
      expect(seen).toHaveLength(1);
    }
  });

  it('stops a redirect loop after 10 hops', async () => {
    const r = await run('redirect', { to: '/loop', follow: 'yes' }, allowed);
    expect(r.error?.message).toContain('stopped after 10 redirects');
    expect(seen).toHaveLength(11);
  });

  it('caps concurrency and the number of requests per invocation', async () => {
    maxInFlight = 0;
    const many = json(
      await run('parallel', { n: '6' }, { ...allowed, caps: { maxConcurrent: 2, maxRequests: 5 } }),
    ) as unknown[];
    expect(many.filter((x) => x === 200)).toHaveLength(5);
    expect(
      many.filter((x) => typeof x === 'string' && x.includes('exceeded 5 outbound requests')),
    ).toHaveLength(1);
    expect(maxInFlight).toBe(2);
  });

  it('fails an oversized response body and a request that outlives the deadline', async () => {
    const big = await run(
      'caught',
      { url: `http://127.0.0.1:${port}/big` },
      { ...allowed, caps: { maxResponseBytes: 1024 } },
    );
    expect(json(big)).toContain('response body exceeds 1024 bytes');
    const started = Date.now();
    const slow = await run(
      'caught',
      { url: `http://127.0.0.1:${port}/hang` },
      { ...allowed, deadline: Date.now() + 300 },
    );
    expect(json(slow)).toContain('timed out');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
