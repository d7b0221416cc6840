import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StandalonePlatform } from './support/standalone';

/**
 * `context.http` through the real standalone process: the worker makes the request under the app's
 * egress policy. The only server here is on loopback, which the default policy denies.
 */
describe('context.http (standalone, real process)', () => {
  const platform = new StandalonePlatform();
  let server: Server;
  let target: string;
  let appId: string;
  const seen: { method?: string; header?: string | string[] }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ method: req.method, header: req.headers['x-probe'] });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ pong: true }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ping`;
    await platform.start();
    appId = await platform.createApp('http-e2e');
    await platform.putFunction(appId, 'fetcher', {
      run_as_system: true,
      source: `exports = async ({ query }) => {
        const res = await context.http.get({ url: query.url, headers: { "X-Probe": ["portico"] } });
        return { statusCode: res.statusCode, body: JSON.parse(res.body.text()) };
      }`,
    });
    await platform.putEndpoints(appId, [
      {
        route: '/fetch',
        http_method: 'GET',
        function_name: 'fetcher',
        validation_method: 'NO_VALIDATION',
        respond_result: true,
        return_type: 'JSON',
      },
    ]);
  }, 30_000);

  afterAll(async () => {
    await platform.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  it('denies loopback by default: the function fails and the server sees nothing', async () => {
    const res = await platform.call(appId, `/fetch?url=${encodeURIComponent(target)}`);
    expect(res.status).toBe(400);
    expect(res.json.error_code).toBe('FunctionExecutionError');
    expect(res.json.error).toMatch(/not allowed|denied/i);
    expect(seen).toHaveLength(0);
  });

  it("allows a host named in the app's egress_allow", async () => {
    expect(
      (await platform.admin('PATCH', `/apps/${appId}`, { limits: { egress_allow: ['127.0.0.1'] } })).status,
    ).toBe(200);
    const res = await platform.call(appId, `/fetch?url=${encodeURIComponent(target)}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ statusCode: 200, body: { pong: true } });
    expect(seen).toEqual([{ method: 'GET', header: 'portico' }]);
  });
});
