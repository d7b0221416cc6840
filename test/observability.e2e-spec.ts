import { StandalonePlatform } from './support/standalone';
import { endpoint } from './support/endpoints';
import { scrape } from './support/metrics';

/**
 * Observability of the standalone platform (issue #6 items 5): `/metrics` on the data-plane port and
 * on the admin port (one registry for the whole process), `X-Request-Id` from the answer to the
 * invocation log, and structured logs that never carry a credential.
 */
describe('observability (standalone, real process)', () => {
  const platform = new StandalonePlatform();
  let appId: string;
  const ADMIN_SECRET_VALUE = 'sk_live_e2e_never_logged_0123456789';

  beforeAll(async () => {
    await platform.start();
    appId = await platform.createApp('metrics');
    await platform.putFunction(appId, 'hello', { run_as_system: true, source: 'exports = () => "hi"' });
    await platform.putFunction(appId, 'boom', {
      run_as_system: true,
      source: 'exports = () => { throw new Error("boom"); }',
    });
    await platform.putEndpoints(appId, [endpoint('/hello', 'hello'), endpoint('/boom', 'boom')]);
  }, 60_000);
  afterAll(async () => {
    await platform.stop();
  });

  it('counts exactly the calls made, per app and status class, and fills the duration histogram', async () => {
    const series = (status_class: string) => ({ app: appId, method: 'GET', status_class });
    const before = await scrape(platform.gatewayUrl);
    for (let i = 0; i < 5; i++) expect((await platform.call(appId, '/hello')).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await platform.call(appId, '/boom')).status).toBe(400);
    expect((await platform.call('nosuch-abcde', '/hello')).status).toBe(404);
    const after = await scrape(platform.gatewayUrl);

    const delta = (name: string, labels: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);
    expect(delta('portico_gateway_requests_total', series('2xx'))).toBe(5);
    expect(delta('portico_gateway_requests_total', series('4xx'))).toBe(2);
    expect(delta('portico_gateway_request_duration_seconds_count', series('2xx'))).toBe(5);
    expect(after.value('portico_gateway_request_duration_seconds_sum', series('2xx'))).toBeGreaterThan(0);
    expect(
      after.value('portico_gateway_request_duration_seconds_bucket', { ...series('2xx'), le: '+Inf' }),
    ).toBe(after.value('portico_gateway_request_duration_seconds_count', series('2xx')));
    // An app that does not exist is never a label of its own.
    expect(delta('portico_gateway_requests_total', { app: 'unknown', status_class: '4xx' })).toBe(1);
    expect(after.text).not.toContain('nosuch-abcde');
    expect(after.text).toContain(`service="standalone"`);
  });

  it("serves the same registry on the admin port, without the admin token, worker and registry's too", async () => {
    await platform.call(appId, '/hello');
    const [gateway, admin] = [await scrape(platform.gatewayUrl), await scrape(platform.adminUrl)];
    const hello = { app: appId, status_class: '2xx' };
    expect(admin.value('portico_gateway_requests_total', hello)).toBe(
      gateway.value('portico_gateway_requests_total', hello),
    );
    expect(admin.value('portico_deployments_total')).toBeGreaterThanOrEqual(4);
    expect(
      admin.value('portico_admin_requests_total', { method: 'PUT', status_class: '2xx' }),
    ).toBeGreaterThanOrEqual(3);
    expect(admin.value('portico_worker_job_run_seconds_count', { outcome: 'ok' })).toBeGreaterThanOrEqual(6);
    expect(admin.value('portico_worker_job_run_seconds_count', { outcome: 'error' })).toBeGreaterThanOrEqual(
      2,
    );
    expect(admin.value('portico_sandbox_starts_total', { start: 'cold' })).toBeGreaterThanOrEqual(1);
    expect(admin.value('portico_sandbox_starts_total', { start: 'warm' })).toBeGreaterThanOrEqual(1);
    expect(admin.value('portico_sandbox_processes')).toBeGreaterThanOrEqual(1);
    expect(admin.value('portico_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('returns a sane client X-Request-Id, else a new one, and records it in the invocation log', async () => {
    const traced = await platform.call(appId, '/hello', { headers: { 'x-request-id': 'e2e-trace.1' } });
    expect(traced.headers.get('x-request-id')).toBe('e2e-trace.1');
    const fresh = await platform.call(appId, '/hello', { headers: { 'x-request-id': 'not sane!' } });
    const freshId = fresh.headers.get('x-request-id');
    expect(freshId).toMatch(/^[0-9a-f-]{36}$/);
    const logs = await platform.waitForLogs(appId, (l) =>
      ['e2e-trace.1', freshId].every((id) => l.some((e) => e.requestId === id)),
    );
    expect(logs.find((e) => e.requestId === 'e2e-trace.1')).toMatchObject({ route: '/hello', status: 200 });
  });

  it('logs admin requests as JSON lines with requestId and appId, and never a credential', async () => {
    const put = await platform.admin('PUT', `/apps/${appId}/secrets/stripe`, { value: ADMIN_SECRET_VALUE });
    expect(put.status).toBeLessThan(300);
    const requestId = put.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    await platform.call(appId, '/hello', {
      headers: { apikey: 'data-plane-api-key-0123456789', authorization: 'Bearer data-plane-jwt-0123' },
    });
    let line: Record<string, any> | undefined;
    const until = Date.now() + 5000;
    while (line === undefined && Date.now() < until) {
      line = platform.logs
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, any>)
        .find((l) => l.requestId === requestId && l.msg === 'request completed');
      if (line === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(line).toMatchObject({
      appId,
      service: 'registry',
      level: 'info',
      res: { statusCode: put.status },
    });
    expect(line?.req.headers.authorization).toBe('[redacted]');
    for (const secret of [
      platform.token,
      ADMIN_SECRET_VALUE,
      'data-plane-api-key-0123456789',
      'data-plane-jwt-0123',
    ])
      expect(platform.logs).not.toContain(secret);
  });

  it("drops a deleted app's series, so they stay bounded by the apps that exist", async () => {
    const gone = await platform.createApp('short-lived');
    await platform.putFunction(gone, 'hello', { run_as_system: true, source: 'exports = () => 1' });
    await platform.putEndpoints(gone, [endpoint('/hello', 'hello')]);
    expect((await platform.call(gone, '/hello')).status).toBe(200);
    expect((await scrape(platform.gatewayUrl)).value('portico_gateway_requests_total', { app: gone })).toBe(
      1,
    );
    expect((await platform.admin('DELETE', `/apps/${gone}`)).status).toBe(204);
    const until = Date.now() + 5000;
    let text = (await scrape(platform.gatewayUrl)).text;
    while (text.includes(gone) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      text = (await scrape(platform.gatewayUrl)).text;
    }
    expect(text).not.toContain(gone);
    expect(text).toContain(`app="${appId}"`);
  });

  it('counts a sandbox process killed for overrunning its time limit', async () => {
    const spinner = await platform.createApp('spinner');
    const limits = { timeout_ms: 300, memory_mb: 64, max_request_bytes: 1024 };
    expect((await platform.admin('PATCH', `/apps/${spinner}`, { limits })).status).toBe(200);
    await platform.putFunction(spinner, 'spin', {
      run_as_system: true,
      source: 'exports = () => { while (true) {} }',
    });
    await platform.putEndpoints(spinner, [endpoint('/spin', 'spin')]);
    const kills = async () =>
      (await scrape(platform.adminUrl)).value('portico_sandbox_limit_kills_total', { reason: 'time' });
    const before = await kills();
    const res = await platform.call(spinner, '/spin');
    expect(res.json?.error_code).toBe('ExecutionTimeLimitExceeded');
    expect(await kills()).toBe(before + 1);
    expect(
      (await scrape(platform.adminUrl)).value('portico_worker_job_run_seconds_count', { outcome: 'error' }),
    ).toBeGreaterThanOrEqual(3);
  });
});
