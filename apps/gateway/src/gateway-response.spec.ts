import type { InvocationJob, InvocationResult } from '@portico/contracts';
import { buildEndpoint, buildSnapshot, FakeRegistryClient, SYSTEM_FN } from './testing/fake-registry-client';
import { PUBLIC_ADMIN_URL, send, startGateway, type RunningGateway } from './testing/gateway-harness';
import { RecordingTransport } from './testing/recording-transport';

const APP = 'shop-abcde';

const snapshot = buildSnapshot({
  appId: APP,
  functions: { fn: SYSTEM_FN },
  endpoints: [buildEndpoint('/json', 'fn'), buildEndpoint('/ejson', 'fn', { return_type: 'EJSON' })],
});

const result = (job: InvocationJob, rest: Partial<InvocationResult>): InvocationResult => ({
  requestId: job.requestId,
  logs: [],
  durationMs: 1,
  cold: false,
  ...rest,
});

describe('gateway answers (real HTTP)', () => {
  let transport: RecordingTransport;
  let gw: RunningGateway;
  const call = (path: string, init?: Parameters<typeof send>[2]) =>
    send(gw.url, `/app/${APP}/endpoint${path}`, init);
  const linkFor = (requestId: unknown) =>
    `${PUBLIC_ADMIN_URL}/admin/v1/apps/${APP}/logs?request_id=${String(requestId)}`;

  beforeAll(async () => {
    transport = new RecordingTransport();
    gw = await startGateway(new FakeRegistryClient([snapshot]), transport);
  });

  afterAll(async () => {
    await gw.close();
  });

  it('sends the function status, every header value and the body bytes as they are', async () => {
    const bytes = Buffer.from([0x00, 0xff, 0x10]);
    transport.respond = (job) =>
      result(job, {
        response: {
          status: 202,
          headers: {
            'X-One': ['a'],
            'Cache-Control': ['no-cache', 'no-store'],
            'Content-Type': ['application/octet-stream'],
          },
          body: bytes,
        },
      });
    const res = await call('/json');
    expect(res.status).toBe(202);
    expect(res.body).toEqual(bytes);
    expect(res.headers['x-one']).toBe('a');
    expect(res.headers['content-type']).toBe('application/octet-stream');
    const cacheControl = res.rawHeaders.filter(
      (_v, i, all) => i % 2 === 1 && all[i - 1].toLowerCase() === 'cache-control',
    );
    expect(cacheControl).toEqual(['no-cache', 'no-store']);
  });

  it('gives a body without Content-Type the negotiated media type', async () => {
    transport.respond = (job) =>
      result(job, { response: { status: 200, headers: {}, body: Buffer.from('{"a":1}') } });
    expect((await call('/json')).headers['content-type']).toBe('application/json');
    expect((await call('/ejson')).headers['content-type']).toBe('application/ejson');
    expect(
      (await call('/ejson', { headers: [['Accept', 'application/json']] })).headers['content-type'],
    ).toBe('application/json');
  });

  it('sends an empty 204 and a redirect with an empty body', async () => {
    transport.respond = (job) => result(job, { response: { status: 204, headers: {}, body: null } });
    const empty = await call('/json');
    expect(empty.status).toBe(204);
    expect(empty.body.length).toBe(0);
    transport.respond = (job) =>
      result(job, {
        response: { status: 302, headers: { Location: ['https://example.com/x'] }, body: new Uint8Array(0) },
      });
    const redirect = await call('/json');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe('https://example.com/x');
  });

  it('keeps framing and the request id in the platform’s hands, and drops headers Node cannot send', async () => {
    transport.respond = (job) =>
      result(job, {
        response: {
          status: 200,
          headers: {
            'Content-Length': ['999'],
            'Transfer-Encoding': ['chunked'],
            'X-Request-Id': ['forged'],
            'Bad Name': ['x'],
            'X-Bad': ['a\r\nb'],
            'X-Ok': ['fine'],
          },
          body: Buffer.from('hello'),
        },
      });
    const res = await call('/json');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello');
    expect(res.headers['content-length']).toBe('5');
    expect(res.headers['x-request-id']).toBe(transport.lastJob.requestId);
    expect(res.headers['x-ok']).toBe('fine');
    expect(res.headers['x-bad']).toBeUndefined();
  });

  it('answers an impossible status as the function’s error', async () => {
    transport.respond = (job) => result(job, { response: { status: 42, headers: {}, body: null } });
    const res = await call('/json');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: 'invalid status code: 42',
      error_code: 'FunctionExecutionError',
      link: linkFor(res.headers['x-request-id']),
    });
  });

  it('renders a failure as the Atlas body, 400 unless the failure names a status', async () => {
    transport.respond = (job) =>
      result(job, {
        error: { code: 'FunctionExecutionError', message: '{"message":"boom","name":"Error"}' },
      });
    const thrown = await call('/json');
    expect(thrown.status).toBe(400);
    expect(thrown.json).toEqual({
      error: '{"message":"boom","name":"Error"}',
      error_code: 'FunctionExecutionError',
      link: linkFor(thrown.headers['x-request-id']),
    });

    transport.respond = (job) =>
      result(job, {
        error: { code: 'ExecutionTimeLimitExceeded', message: 'execution time limit exceeded', status: 504 },
      });
    const timedOut = await call('/json');
    expect(timedOut.status).toBe(504);
    expect(timedOut.json.error_code).toBe('ExecutionTimeLimitExceeded');
  });

  it('turns an unexpected exception into 500 "internal server error" with the link, logged once, no stack', async () => {
    const logged = gw.logs.length;
    transport.respond = () => {
      throw new Error('transport exploded at /secret/path.ts:12');
    };
    const res = await call('/json');
    expect(res.status).toBe(500);
    expect(res.json).toEqual({
      error: 'internal server error',
      error_code: 'InternalServerError',
      link: linkFor(res.headers['x-request-id']),
    });
    expect(res.body.toString()).not.toContain('exploded');
    const lines = gw.logs.slice(logged);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'request failed unexpectedly',
      requestId: res.headers['x-request-id'],
      appId: APP,
    });
    expect((lines[0].err as { message: string }).message).toContain('transport exploded');
  });

  it('logs nothing for requests that succeed or fail in expected ways', async () => {
    const logged = gw.logs.length;
    transport.respond = (job) =>
      result(job, { response: { status: 200, headers: {}, body: Buffer.from('1') } });
    await call('/json');
    await call('/nope');
    await send(gw.url, '/app/none-abcde/endpoint/x');
    expect(gw.logs.slice(logged)).toEqual([]);
  });
});
