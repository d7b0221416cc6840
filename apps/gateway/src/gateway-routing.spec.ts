import { buildEndpoint, buildSnapshot, FakeRegistryClient, SYSTEM_FN } from './testing/fake-registry-client';
import { PUBLIC_ADMIN_URL, send, startGateway, type RunningGateway } from './testing/gateway-harness';
import { RecordingTransport } from './testing/recording-transport';

const APP = 'shop-abcde';
const OTHER = 'other-fghij';

const shopV1 = buildSnapshot({
  appId: APP,
  functions: { ok: SYSTEM_FN, any: SYSTEM_FN, method: SYSTEM_FN },
  endpoints: [
    buildEndpoint('/hello', 'ok'),
    buildEndpoint('/hello/latest', 'ok'),
    buildEndpoint('/a/deeply/nested/route', 'ok'),
    buildEndpoint('/method', 'method', { http_method: 'PUT' }),
    buildEndpoint('/method', 'method', { http_method: 'PATCH' }),
    buildEndpoint('/any', 'any', { http_method: '*' }),
    buildEndpoint('/off', 'ok', { disabled: true }),
    buildEndpoint('/ghost', 'missing-function'),
  ],
});

describe('gateway routing (real HTTP)', () => {
  let registry: FakeRegistryClient;
  let transport: RecordingTransport;
  let gw: RunningGateway;

  beforeEach(async () => {
    registry = new FakeRegistryClient([shopV1]);
    transport = new RecordingTransport();
    gw = await startGateway(registry, transport);
  });

  afterEach(async () => {
    await gw.close();
  });

  it('GET /healthz answers 200 {"status":"ok"} with an X-Request-Id', async () => {
    const res = await send(gw.url, '/healthz');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('routes exact and nested routes to the transport with the endpoint facts', async () => {
    for (const route of ['/hello', '/hello/latest', '/a/deeply/nested/route']) {
      const res = await send(gw.url, `/app/${APP}/endpoint${route}`);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ ok: 1 });
      expect(transport.lastJob.endpoint).toEqual({ route, httpMethod: 'GET', respondResult: true });
      expect(transport.lastJob.functionName).toBe('ok');
      expect(transport.lastJob.appId).toBe(APP);
      expect(transport.lastJob.version).toBe(1);
    }
  });

  it('"*" accepts every method and records the configured http_method', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await send(gw.url, `/app/${APP}/endpoint/any`, { method });
      expect(res.status).toBe(200);
      expect(transport.lastJob.request.method).toBe(method);
      expect(transport.lastJob.endpoint.httpMethod).toBe('*');
    }
  });

  it('answers 405 MethodNotAllowed with an Allow header when only the method is wrong', async () => {
    const res = await send(gw.url, `/app/${APP}/endpoint/method`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.json).toEqual({
      error: "method DELETE is not allowed for route '/method'",
      error_code: 'MethodNotAllowed',
      link: `${PUBLIC_ADMIN_URL}/admin/v1/apps/${APP}/logs?request_id=${String(res.headers['x-request-id'])}`,
    });
    expect(String(res.headers.allow).split(', ').sort()).toEqual(['PATCH', 'PUT']);
    expect(transport.jobs).toHaveLength(0);
  });

  it('answers 404 EndpointNotFound for unknown and disabled endpoints, and for non-endpoint paths', async () => {
    for (const route of ['/nope', '/off', '/hello/', '/HELLO']) {
      const res = await send(gw.url, `/app/${APP}/endpoint${route}`);
      expect(res.status).toBe(404);
      expect(res.json.error_code).toBe('EndpointNotFound');
      expect(res.json.error).toBe(`cannot find endpoint for route '${route}'`);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
    const outside = await send(gw.url, '/somewhere/else?x=1');
    expect(outside.status).toBe(404);
    expect(outside.json).toEqual({
      error: "cannot find endpoint for route '/somewhere/else'",
      error_code: 'EndpointNotFound',
    });
    expect(transport.jobs).toHaveLength(0);
  });

  it('answers a malformed percent escape in the path with an Atlas 400', async () => {
    const res = await send(gw.url, `/app/${APP}/endpoint/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(res.json.error_code).toBe('InvalidParameter');
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('answers 404 AppNotFound for an unknown app, with the Atlas message', async () => {
    const res = await send(gw.url, `/app/${OTHER}/endpoint/hello`);
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({
      error: `cannot find app using Client App ID '${OTHER}'`,
      error_code: 'AppNotFound',
    });
    const garbage = await send(gw.url, '/app/NOT%20AN%20ID/endpoint/hello');
    expect(garbage.status).toBe(404);
    expect(garbage.json.error_code).toBe('AppNotFound');
    // Ids that cannot be app ids never reach the registry.
    expect(registry.lookups).toEqual([OTHER]);
  });

  it('answers 404 FunctionNotFound when the deployment lacks the endpoint function', async () => {
    const res = await send(gw.url, `/app/${APP}/endpoint/ghost`);
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({
      error: "function not found: 'missing-function'",
      error_code: 'FunctionNotFound',
    });
  });

  it('puts a fresh X-Request-Id on every response and hands the same id to the job', async () => {
    const ok = await send(gw.url, `/app/${APP}/endpoint/hello`);
    const notFound = await send(gw.url, `/app/${APP}/endpoint/nope`);
    const noApp = await send(gw.url, `/app/${OTHER}/endpoint/x`);
    const ids = [ok, notFound, noApp].map((r) => r.headers['x-request-id']);
    expect(new Set(ids).size).toBe(3);
    expect(ok.headers['x-request-id']).toBe(transport.jobs[0].requestId);
  });

  it('fetches a snapshot once for concurrent first requests (single flight), then serves from cache', async () => {
    registry.hold();
    const pending = Array.from({ length: 8 }, () => send(gw.url, `/app/${APP}/endpoint/hello`));
    await new Promise((r) => setTimeout(r, 50));
    registry.release();
    const answers = await Promise.all(pending);
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    await send(gw.url, `/app/${APP}/endpoint/hello/latest`);
    expect(registry.lookups).toEqual([APP]);
  });

  it('swaps in a redeployed route table, and drops a deleted app', async () => {
    expect((await send(gw.url, `/app/${APP}/endpoint/hello`)).status).toBe(200);
    expect((await send(gw.url, `/app/${APP}/endpoint/brand-new`)).status).toBe(404);

    registry.deploy(
      buildSnapshot({
        appId: APP,
        version: 2,
        functions: { fresh: SYSTEM_FN },
        endpoints: [buildEndpoint('/brand-new', 'fresh')],
      }),
    );
    const fresh = await send(gw.url, `/app/${APP}/endpoint/brand-new`);
    expect(fresh.status).toBe(200);
    expect(transport.lastJob).toMatchObject({ version: 2, functionName: 'fresh' });
    expect((await send(gw.url, `/app/${APP}/endpoint/hello`)).status).toBe(404);

    registry.remove(APP);
    const gone = await send(gw.url, `/app/${APP}/endpoint/brand-new`);
    expect(gone.status).toBe(404);
    expect(gone.json.error_code).toBe('AppNotFound');
  });

  it('ignores an event for a version it already serves, and serves an app created after a miss', async () => {
    await send(gw.url, `/app/${APP}/endpoint/hello`);
    registry.deploy(shopV1);
    await send(gw.url, `/app/${APP}/endpoint/hello`);
    expect(registry.lookups).toEqual([APP]);

    expect((await send(gw.url, `/app/${OTHER}/endpoint/hello`)).json.error_code).toBe('AppNotFound');
    registry.deploy(
      buildSnapshot({
        appId: OTHER,
        functions: { ok: SYSTEM_FN },
        endpoints: [buildEndpoint('/hello', 'ok')],
      }),
    );
    expect((await send(gw.url, `/app/${OTHER}/endpoint/hello`)).status).toBe(200);
  });

  it('requests arriving while a redeploy builds wait for the new table instead of using the old one', async () => {
    await send(gw.url, `/app/${APP}/endpoint/hello`);
    registry.hold();
    registry.deploy(
      buildSnapshot({
        appId: APP,
        version: 2,
        functions: { ok: SYSTEM_FN },
        endpoints: [buildEndpoint('/v2', 'ok')],
      }),
    );
    const during = send(gw.url, `/app/${APP}/endpoint/hello`);
    await new Promise((r) => setTimeout(r, 50));
    registry.release();
    expect((await during).status).toBe(404);
    expect((await send(gw.url, `/app/${APP}/endpoint/v2`)).status).toBe(200);
  });

  it('answers 500 when the registry cannot be reached, and retries on the next request', async () => {
    registry.failNextLookup();
    const failed = await send(gw.url, `/app/${APP}/endpoint/hello`);
    expect(failed.status).toBe(500);
    expect(failed.json).toMatchObject({ error: 'internal server error', error_code: 'InternalServerError' });
    expect(gw.logs.filter((l) => l.msg === 'request failed unexpectedly')).toHaveLength(1);
    expect((await send(gw.url, `/app/${APP}/endpoint/hello`)).status).toBe(200);
    expect(registry.lookups).toEqual([APP, APP]);
  });

  it('logs a route it cannot serve once and serves the rest of the app', async () => {
    registry.deploy(
      buildSnapshot({
        appId: OTHER,
        functions: { ok: SYSTEM_FN },
        endpoints: [buildEndpoint('/fine', 'ok'), buildEndpoint('/star*middle', 'ok')],
      }),
    );
    expect((await send(gw.url, `/app/${OTHER}/endpoint/fine`)).status).toBe(200);
    const warnings = gw.logs.filter((l) => l.msg === 'endpoint left out of the route table');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ appId: OTHER, route: '/star*middle', method: 'GET' });
  });

  it('unsubscribes from deployment events on close', async () => {
    // The route cache, and the metrics dropping a deleted app's series.
    expect(registry.listenerCount).toBe(2);
    await gw.close();
    expect(registry.listenerCount).toBe(0);
    gw = await startGateway(registry, transport);
  });
});
