import { StandalonePlatform } from './support/standalone';

/**
 * `can_evaluate` on function endpoints end to end (issue #5 item 5, reference §3.3): a false expression
 * answers 401 and the function does not run (each guarded function writes a document first, and the
 * test counts them through an unguarded endpoint).
 */
describe('can_evaluate (standalone, real process)', () => {
  const platform = new StandalonePlatform();
  let appId: string;
  let apiKey: string;

  // Records the call, then answers: a run leaves a document behind.
  const recorder = (extra: Record<string, unknown> = {}) => ({
    source: `exports = async function () {
      await context.services.get("mongodb-atlas").db("audit").collection("calls")
        .insertOne({ route: context.request.webhookUrl });
      return { ran: true };
    }`,
    run_as_system: true,
    ...extra,
  });
  const ep = (route: string, fn: string, can_evaluate?: Record<string, unknown>) => ({
    route,
    http_method: 'GET',
    function_name: fn,
    validation_method: 'NO_VALIDATION',
    respond_result: true,
    return_type: 'JSON',
    ...(can_evaluate ? { can_evaluate } : {}),
  });
  const runs = async (route: string): Promise<number> => {
    const res = await platform.call(appId, `/count?route=${encodeURIComponent(route)}`);
    return res.json as number;
  };

  beforeAll(async () => {
    await platform.start();
    appId = await platform.createApp('can-evaluate');
    apiKey = (await platform.admin('POST', `/apps/${appId}/api-keys`, { name: 'ci-key' })).json.key as string;
    await platform.admin('PUT', `/apps/${appId}/values/allowed`, {
      value: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
    });
    await platform.admin('PUT', `/apps/${appId}/values/featureOn`, { value: false });
    await platform.putFunction(appId, 'record', recorder());
    await platform.putFunction(appId, 'recordAsUser', recorder({ run_as_system: false }));
    await platform.putFunction(
      appId,
      'recordGuarded',
      recorder({ can_evaluate: { '%%request.requestHeaders.x-role': 'admin' } }),
    );
    await platform.putFunction(appId, 'count', {
      source: `exports = ({ query }) => context.services.get("mongodb-atlas").db("audit").collection("calls")
        .count({ route: query.route })`,
      run_as_system: true,
    });
    // A %function rule: the tenant function decides from the request's header (and may throw).
    await platform.putFunction(appId, 'ticketOk', {
      private: true,
      source: `exports = (ticket) => {
        if (ticket == null) throw new Error('no ticket at all');
        return ticket[0] === 'let-me-in';
      }`,
    });
    await platform.putEndpoints(appId, [
      ep('/count', 'count'),
      // The docs' example (DAS:source/reference/config/https_endpoints.txt).
      ep('/secret', 'record', { '%%request.requestHeaders.x-secret-key': 'my-secret' }),
      ep('/fromValues', 'record', { '%%request.remoteIPAddress': { $in: '%%values.allowed' } }),
      ep('/featureOff', 'record', { '%%values.featureOn': true }),
      ep('/serverUsers', 'recordAsUser', { '%%user.type': 'server', '%%user.data.name': 'ci-key' }),
      ep('/otherUser', 'recordAsUser', { '%%user.data.name': 'somebody-else' }),
      ep('/noEnvironment', 'record', { '%%environment.tag': '' }),
      ep('/production', 'record', { '%%environment.tag': 'production' }),
      ep('/guardedFunction', 'recordGuarded'),
      ep('/byFunction', 'record', {
        '%%true': { '%function': { name: 'ticketOk', arguments: ['%%request.requestHeaders.x-ticket'] } },
      }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await platform.stop();
  });

  it("follows the docs' header example: the right header runs the function, else 401 and nothing ran", async () => {
    const denied = await platform.call(appId, '/secret');
    expect(denied.status).toBe(401);
    expect(denied.json).toEqual({
      error: 'rule not matched for request',
      error_code: 'NoMatchingRule',
      link: expect.stringContaining(`/admin/v1/apps/${appId}/logs?request_id=`),
    });
    const wrong = await platform.call(appId, '/secret', { headers: { 'X-Secret-Key': 'guess' } });
    expect(wrong.status).toBe(401);
    expect(await runs('/secret')).toBe(0);

    const allowed = await platform.call(appId, '/secret', { headers: { 'X-SECRET-KEY': 'my-secret' } });
    expect(allowed.status).toBe(200);
    expect(allowed.json).toEqual({ ran: true });
    expect(await runs('/secret')).toBe(1);
  });

  it('expands %%values (an IP allow-list; a false flag denies)', async () => {
    expect((await platform.call(appId, '/fromValues')).status).toBe(200);
    expect(await runs('/fromValues')).toBe(1);
    expect((await platform.call(appId, '/featureOff')).status).toBe(401);
    expect(await runs('/featureOff')).toBe(0);
  });

  it('expands %%user (the API key user is a server user named after the key)', async () => {
    expect((await platform.call(appId, '/serverUsers', { headers: { apiKey } })).status).toBe(200);
    expect(await runs('/serverUsers')).toBe(1);
    expect((await platform.call(appId, '/otherUser', { headers: { apiKey } })).status).toBe(401);
    expect(await runs('/otherUser')).toBe(0);
  });

  it('expands %%environment (no environment set: the tag is "")', async () => {
    expect((await platform.call(appId, '/noEnvironment')).status).toBe(200);
    expect((await platform.call(appId, '/production')).status).toBe(401);
    expect(await runs('/production')).toBe(0);
  });

  it("applies the function's own can_evaluate (functions/config.json) when an endpoint calls it", async () => {
    const denied = await platform.call(appId, '/guardedFunction');
    expect(denied.status).toBe(401);
    expect(denied.json.error).toBe("rule not matched for function 'recordGuarded'");
    expect(await runs('/guardedFunction')).toBe(0);
    expect((await platform.call(appId, '/guardedFunction', { headers: { 'x-role': 'admin' } })).status).toBe(
      200,
    );
    expect(await runs('/guardedFunction')).toBe(1);
  });

  it('calls the %function a rule names with its arguments and passes on a truthy result', async () => {
    const allowed = await platform.call(appId, '/byFunction', { headers: { 'x-ticket': 'let-me-in' } });
    expect(allowed.status).toBe(200);
    expect(await runs('/byFunction')).toBe(1);
    const denied = await platform.call(appId, '/byFunction', { headers: { 'x-ticket': 'guess' } });
    expect(denied.status).toBe(401);
    expect(denied.json).toMatchObject({
      error_code: 'NoMatchingRule',
      error: 'rule not matched for request',
    });
    // A function that throws denies too; why is in the invocation log, not in the answer.
    const thrown = await platform.call(appId, '/byFunction');
    expect(thrown.status).toBe(401);
    expect(thrown.text).not.toContain('no ticket');
    expect(await runs('/byFunction')).toBe(1);
    const logs = await platform.waitForLogs(appId, (l) =>
      l.some((e) => e.route === '/byFunction' && e.logs.some((line: string) => line.includes('no ticket'))),
    );
    expect(logs.filter((e) => e.route === '/byFunction').map((e) => e.status)).toEqual(
      expect.arrayContaining([200, 401, 401]),
    );
  });

  it('records a denied call in the invocation log with its 401', async () => {
    const logs = await platform.waitForLogs(appId, (l) => l.some((e) => e.route === '/production'));
    expect(logs.find((e) => e.route === '/production')).toMatchObject({
      type: 'endpoint',
      status: 401,
      error: { code: 'NoMatchingRule', message: 'rule not matched for request' },
    });
  });
});
