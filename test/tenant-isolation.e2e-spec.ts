import { StandalonePlatform } from './support/standalone';
import { endpoint } from './support/endpoints';

/** Each app sees only its own data, values, secrets, keys, functions and logs (issue #2, Tests). */
describe('tenant isolation (standalone, real process)', () => {
  const platform = new StandalonePlatform();
  let a: string;
  let b: string;
  let keyA: string;

  beforeAll(async () => {
    await platform.start();
    a = await platform.createApp('tenant-a');
    b = await platform.createApp('tenant-b');
    // Both apps use the same database and collection names and the same value and function names.
    for (const [app, marker] of [
      [a, 'A'],
      [b, 'B'],
    ] as const) {
      await platform.putFunction(app, 'write', {
        run_as_system: true,
        source: `exports = async () => { const c = context.services.get("mongodb-atlas").db("shared").collection("docs");
          await c.insertOne({ owner: "${marker}" }); return c.find({}).toArray(); }`,
      });
      await platform.putFunction(app, 'read', {
        run_as_system: true,
        source: `exports = async () => ({ docs: await context.services.get("mongodb-atlas").db("shared").collection("docs").find({}, { _id: 0 }).toArray(),
          dbs: await context.services.get("mongodb-atlas").admin().getDBNames(),
          value: context.values.get("marker") ?? null,
          other: context.functions.execute("onlyIn${marker}"),
          foreign: (() => { try { return context.functions.execute("onlyIn${marker === 'A' ? 'B' : 'A'}"); } catch (e) { return "missing"; } })() })`,
      });
      await platform.putFunction(app, `onlyIn${marker}`, {
        source: `exports = () => "${marker}"`,
        private: true,
      });
      await platform.putFunction(app, 'keyed', { source: `exports = () => context.user.type` });
      await platform.admin('PUT', `/apps/${app}/values/marker`, { value: marker });
      await platform.putEndpoints(app, [
        endpoint('/write', 'write', { http_method: 'POST' }),
        endpoint('/read', 'read'),
        endpoint('/keyed', 'keyed'),
      ]);
    }
    keyA = (await platform.admin('POST', `/apps/${a}/api-keys`, { name: 'a-key' })).json.key;
  }, 60_000);

  afterAll(async () => {
    await platform.stop();
  });

  it('data written by one app under the same db/collection names is invisible to the other', async () => {
    await platform.call(a, '/write', { method: 'POST' });
    await platform.call(a, '/write', { method: 'POST' });
    await platform.call(b, '/write', { method: 'POST' });
    const readA = await platform.call(a, '/read');
    const readB = await platform.call(b, '/read');
    expect(readA.json.docs).toEqual([{ owner: 'A' }, { owner: 'A' }]);
    expect(readB.json.docs).toEqual([{ owner: 'B' }]);
    expect(readA.json.dbs).toEqual(['shared']);
  });

  it('values and functions resolve within the calling app only', async () => {
    const readA = await platform.call(a, '/read');
    const readB = await platform.call(b, '/read');
    expect(readA.json.value).toBe('A');
    expect(readB.json.value).toBe('B');
    expect(readA.json.other).toBe('A');
    expect(readB.json.other).toBe('B');
    // Each app has a function the other does not: calling it across apps finds nothing.
    expect(readA.json.foreign).toBe('missing');
    expect(readB.json.foreign).toBe('missing');
  });

  it("app A's API key does not authenticate against app B", async () => {
    expect((await platform.call(a, '/keyed', { headers: { apiKey: keyA } })).json).toBe('server');
    const onB = await platform.call(b, '/keyed', { headers: { apiKey: keyA } });
    expect(onB.status).toBe(401);
    expect(onB.json.error_code).toBe('InvalidSession');
  });

  it("app B's log does not list app A's invocations", async () => {
    const res = await platform.call(a, '/read');
    const id = res.headers.get('x-request-id');
    await platform.waitForLogs(a, (logs) => logs.some((e) => e.requestId === id));
    const logsB = await platform.admin('GET', `/apps/${b}/logs?limit=1000`);
    expect(logsB.status).toBe(200);
    expect(logsB.json.logs.some((e: { requestId: string }) => e.requestId === id)).toBe(false);
  });

  it("deleting app A removes its data, and app B's data stays", async () => {
    expect((await platform.admin('DELETE', `/apps/${a}`)).status).toBe(204);
    expect((await platform.call(a, '/read')).status).toBe(404);
    expect((await platform.call(b, '/read')).json.docs).toEqual([{ owner: 'B' }]);
  });
});
