import { connect } from 'node:net';
import { request as httpRequest } from 'node:http';
import { buildEndpoint, buildSnapshot, FakeRegistryClient, SYSTEM_FN } from './testing/fake-registry-client';
import { send, startGateway, type RunningGateway } from './testing/gateway-harness';
import { RecordingTransport } from './testing/recording-transport';

const APP = 'shop-abcde';
const LIMIT = 1024;

const snapshot = buildSnapshot({
  appId: APP,
  limits: { timeout_ms: 7_000, memory_mb: 64, max_request_bytes: LIMIT },
  functions: { echo: SYSTEM_FN },
  endpoints: [
    buildEndpoint('/echo', 'echo', { http_method: '*' }),
    buildEndpoint('/ejson', 'echo', { return_type: 'EJSON' }),
    buildEndpoint('/quiet', 'echo', { http_method: 'POST', respond_result: false }),
  ],
});

/** Sends raw bytes over TCP and resolves with everything the server wrote before closing or `idleMs`. */
function rawExchange(port: number, lines: string[], idleMs = 300): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    socket.on('data', (chunk) => {
      received += chunk.toString();
      clearTimeout(timer);
      timer = setTimeout(finish, idleMs);
    });
    socket.on('end', finish);
    socket.on('error', reject);
    socket.write(lines.join('\r\n'));
  });
}

describe('gateway request normalization (real HTTP)', () => {
  let transport: RecordingTransport;
  let gw: RunningGateway;
  let port: number;

  beforeAll(async () => {
    transport = new RecordingTransport();
    gw = await startGateway(new FakeRegistryClient([snapshot]), transport);
    port = Number(new URL(gw.url).port);
  });

  afterAll(async () => {
    await gw.close();
  });

  it('gives the job MIME-canonical header keys with every occurrence, in order', async () => {
    await send(gw.url, `/app/${APP}/endpoint/echo`, {
      method: 'POST',
      headers: [
        ['x-customheader', 'one'],
        ['X-CUSTOMHEADER', 'two'],
        ['content-type', 'text/plain; charset=utf-8'],
        ['Accept', 'a, b'],
      ],
      body: 'hi',
    });
    const { headers } = transport.lastJob.request;
    expect(headers['X-Customheader']).toEqual(['one', 'two']);
    expect(headers['Content-Type']).toEqual(['text/plain; charset=utf-8']);
    expect(headers['Accept']).toEqual(['a, b']);
    expect(headers['Content-Length']).toEqual(['2']);
    expect(headers['Host']).toHaveLength(1);
    expect(Object.keys(headers).every((k) => /^[A-Z0-9][a-z0-9]*(-[A-Z0-9]?[a-z0-9]*)*$/.test(k))).toBe(true);
  });

  it('keeps the first occurrence per query key and the raw query string in order', async () => {
    await send(gw.url, `/app/${APP}/endpoint/echo?b=2&a=1&a=3&regions=na,eu&q=x+y%21`);
    const { request } = transport.lastJob;
    expect({ ...request.query }).toEqual({ b: '2', a: '1', regions: 'na,eu', q: 'x y!' });
    expect(request.rawQueryString).toBe('b=2&a=1&a=3&regions=na,eu&q=x+y%21');
    expect(request.route).toBe('/echo');
  });

  it('passes the raw body bytes unchanged, whatever the content type', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x7b, 0x22, 0x0a, 0xc3, 0x28]);
    for (const contentType of [
      'application/json',
      'application/x-anything',
      'multipart/form-data; boundary=x',
      undefined,
    ]) {
      const headers: [string, string][] = contentType ? [['Content-Type', contentType]] : [];
      const res = await send(gw.url, `/app/${APP}/endpoint/echo`, { method: 'PUT', headers, body: bytes });
      expect(res.status).toBe(200);
      expect(Buffer.from(transport.lastJob.request.body ?? [])).toEqual(bytes);
    }
  });

  it('reads a chunked body', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${gw.url}/app/${APP}/endpoint/echo`, { method: 'POST', agent: false }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('part one, ');
      setTimeout(() => req.end('part two'), 20);
    });
    expect(res).toBe(200);
    expect(Buffer.from(transport.lastJob.request.body ?? []).toString()).toBe('part one, part two');
  });

  it('has a null body when the request carries no body bytes (GET, POST without body, Content-Length: 0)', async () => {
    await send(gw.url, `/app/${APP}/endpoint/echo`);
    expect(transport.lastJob.request.body).toBeNull();
    await send(gw.url, `/app/${APP}/endpoint/echo`, { method: 'POST' });
    expect(transport.lastJob.request.body).toBeNull();
    await send(gw.url, `/app/${APP}/endpoint/echo`, {
      method: 'POST',
      headers: [['Content-Length', '0']],
      body: '',
    });
    expect(transport.lastJob.request.body).toBeNull();
  });

  it('accepts a body on GET', async () => {
    await send(gw.url, `/app/${APP}/endpoint/echo`, { method: 'GET', body: '{"q":1}' });
    expect(Buffer.from(transport.lastJob.request.body ?? []).toString()).toBe('{"q":1}');
  });

  it('fills the rest of the job: method, client address, deadline, format, run mode', async () => {
    const before = Date.now();
    const res = await send(gw.url, `/app/${APP}/endpoint/echo`, { method: 'PATCH' });
    const job = transport.lastJob;
    expect(job.requestId).toBe(res.headers['x-request-id']);
    expect(job.request.method).toBe('PATCH');
    expect(job.request.remoteIPAddress).toBe('127.0.0.1');
    expect(job.deadline).toBeGreaterThanOrEqual(before + 7_000);
    expect(job.deadline).toBeLessThanOrEqual(Date.now() + 7_000);
    expect(job.responseFormat).toBe('JSON');
    expect(job.runAsSystem).toBe(true);
    expect(job.user).toEqual({ id: 'system', type: 'system', data: {}, custom_data: {}, identities: [] });
  });

  it('negotiates the response format: Accept overrides return_type, anything else keeps it', async () => {
    const cases: [string, string | undefined, string][] = [
      ['/echo', undefined, 'JSON'],
      ['/echo', 'application/ejson', 'EJSON'],
      ['/echo', '*/*', 'JSON'],
      ['/ejson', undefined, 'EJSON'],
      ['/ejson', '*/*', 'EJSON'],
      ['/ejson', 'text/csv', 'EJSON'],
      ['/ejson', 'application/json', 'JSON'],
    ];
    for (const [route, accept, format] of cases) {
      await send(gw.url, `/app/${APP}/endpoint${route}`, { headers: accept ? [['Accept', accept]] : [] });
      expect([route, accept, transport.lastJob.responseFormat]).toEqual([route, accept, format]);
    }
    await send(gw.url, `/app/${APP}/endpoint/quiet`, { method: 'POST' });
    expect(transport.lastJob.endpoint.respondResult).toBe(false);
  });

  it('accepts a body of exactly the limit', async () => {
    const res = await send(gw.url, `/app/${APP}/endpoint/echo`, {
      method: 'POST',
      body: Buffer.alloc(LIMIT, 0x61),
    });
    expect(res.status).toBe(200);
    expect(transport.lastJob.request.body?.byteLength).toBe(LIMIT);
  });

  it('answers 413 on a declared Content-Length over the limit before any body byte is sent', async () => {
    const jobs = transport.jobs.length;
    const answer = await rawExchange(port, [
      `POST /app/${APP}/endpoint/echo HTTP/1.1`,
      'Host: x',
      `Content-Length: ${LIMIT + 1}`,
      '',
      '',
    ]);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('"error_code":"RequestTooLarge"');
    expect(answer.toLowerCase()).toMatch(/x-request-id: [0-9a-f-]{36}/);
    expect(transport.jobs.length).toBe(jobs);
  });

  it('answers 413 while a chunked body is still arriving, as soon as it passes the limit', async () => {
    const jobs = transport.jobs.length;
    const chunk = Buffer.alloc(LIMIT + 10, 0x62).toString();
    const answer = await rawExchange(port, [
      `POST /app/${APP}/endpoint/echo HTTP/1.1`,
      'Host: x',
      'Transfer-Encoding: chunked',
      '',
      `${(LIMIT + 10).toString(16)}`,
      chunk,
      // The terminating chunk is never sent: the server must answer without the rest of the body.
      '',
    ]);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"error_code":"RequestTooLarge"');
    expect(transport.jobs.length).toBe(jobs);
  });

  it('answers an unparseable Content-Type with an Atlas 4xx body instead of a Fastify one', async () => {
    const res = await send(gw.url, `/app/${APP}/endpoint/echo`, {
      method: 'POST',
      headers: [['Content-Type', 'not a type']],
      body: 'x',
    });
    expect(res.status).toBe(415);
    expect(res.json).toMatchObject({ error_code: 'InvalidParameter' });
    expect(res.headers['x-request-id']).toBeTruthy();
  });
});
