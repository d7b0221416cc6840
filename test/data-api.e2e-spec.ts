import { EJSON, ObjectId } from 'bson';
import { StandalonePlatform, type HttpAnswer } from './support/standalone';

/**
 * The Data API v1 end to end (issue #5 item 6, reference §4, §3.3, §3.4) against a real standalone
 * process, reproducing the docs' live-tested calls (DAS:examples/data-api/generated-endpoints.sh).
 */
describe('Data API v1 (standalone, real process)', () => {
  const platform = new StandalonePlatform();
  let appId: string;
  let apiKey: string;
  const ns = { dataSource: 'mongodb-atlas', database: 'learn-data-api', collection: 'tasks' };

  const action = (
    app: string,
    name: string,
    body: unknown,
    headers: Record<string, string> = {},
    query = '',
  ): Promise<HttpAnswer> =>
    platform.call(app, `/data/v1/action/${name}${query}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const withKey = (name: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    action(appId, name, { ...ns, ...body }, { apiKey, ...headers });

  const putDataApi = async (app: string, config: Record<string, unknown>) => {
    const res = await platform.admin('PUT', `/apps/${app}/data-api`, config);
    if (res.status !== 200) throw new Error(`put data-api failed: ${res.status} ${res.text}`);
  };

  beforeAll(async () => {
    await platform.start();
    appId = await platform.createApp('data-api-e2e');
    apiKey = (await platform.admin('POST', `/apps/${appId}/api-keys`, { name: 'server' })).json.key as string;
    // The docs' test app config (reference §1.3), answering JSON by default.
    await putDataApi(appId, {
      disabled: false,
      versions: ['v1'],
      run_as_user_id: '',
      run_as_user_id_script_source: '',
      can_evaluate: {},
      validation_method: '',
      secret_name: '',
      create_user_on_auth: true,
      return_type: 'JSON',
    });
  }, 60_000);
  afterAll(async () => {
    await platform.stop();
  });

  it('insertOne answers 201 with the new id as a hex string (JSON) and is logged as data-api', async () => {
    const res = await withKey('insertOne', {
      document: { status: 'open', text: 'Do the dishes', createdAt: { $date: '2023-03-29T15:50:00.000Z' } },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json).toEqual({ insertedId: expect.stringMatching(/^[0-9a-f]{24}$/) });
    const logs = await platform.waitForLogs(appId, (l) =>
      l.some((e) => e.route === '/data/v1/action/insertOne'),
    );
    expect(logs.find((e) => e.route === '/data/v1/action/insertOne')).toMatchObject({
      type: 'data-api',
      method: 'POST',
      status: 201,
      function_name: 'insertOne',
    });
  });

  it('insertMany answers 201 {insertedIds}; find filters and sorts (the live test outputs)', async () => {
    const many = await withKey('insertMany', {
      documents: [
        { status: 'complete', text: 'Mop the floor', completedAt: { $date: '2023-03-29T15:54:32.788Z' } },
        { status: 'complete', text: 'Clean the windows', completedAt: { $date: '2023-03-29T15:55:41.501Z' } },
        { status: 'complete', text: 'Vacuum', completedAt: { $date: '2023-03-29T15:56:12.001Z' } },
      ],
    });
    expect(many.status).toBe(201);
    expect(many.json.insertedIds).toEqual([
      expect.stringMatching(/^[0-9a-f]{24}$/),
      expect.stringMatching(/^[0-9a-f]{24}$/),
      expect.stringMatching(/^[0-9a-f]{24}$/),
    ]);
    const found = await withKey('find', { filter: { status: 'complete' }, sort: { completedAt: -1 } });
    expect(found.status).toBe(200);
    expect(found.json.documents.map((d: { text: string }) => d.text)).toEqual([
      'Vacuum',
      'Clean the windows',
      'Mop the floor',
    ]);
    expect(found.json.documents[2]).toEqual({
      _id: many.json.insertedIds[0],
      status: 'complete',
      text: 'Mop the floor',
      completedAt: '2023-03-29T15:54:32.788Z',
    });
  });

  it('aggregate $group counts the tasks per status', async () => {
    const res = await withKey('aggregate', {
      pipeline: [
        { $match: { status: 'complete' } },
        { $group: { _id: '$status', count: { $sum: 1 }, tasks: { $push: '$text' } } },
        { $sort: { count: -1 } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      documents: [{ _id: 'complete', count: 3, tasks: ['Mop the floor', 'Clean the windows', 'Vacuum'] }],
    });
  });

  it('takes an EJSON filter ({"$oid"}) and answers canonical EJSON when asked (Accept: application/ejson)', async () => {
    const { json } = await withKey('insertOne', { document: { text: 'by id', n: 7 } });
    const res = await action(
      appId,
      'findOne',
      EJSON.stringify(
        { ...ns, filter: { _id: new ObjectId(json.insertedId as string) } },
        { relaxed: false },
      ),
      { apiKey, 'Content-Type': 'application/ejson', Accept: 'application/ejson' },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/ejson/);
    expect(res.json).toEqual({
      document: { _id: { $oid: json.insertedId }, text: 'by id', n: { $numberInt: '7' } },
    });
  });

  it('updateOne and replaceOne answer matchedCount 1, modifiedCount 1; deleteOne/deleteMany the deletedCount', async () => {
    const updated = await withKey('updateOne', {
      filter: { text: 'Do the dishes' },
      update: { $set: { status: 'complete' } },
    });
    expect(updated.json).toEqual({ matchedCount: 1, modifiedCount: 1 });
    const replaced = await withKey('replaceOne', {
      filter: { text: 'Vacuum' },
      replacement: { status: 'open', text: 'Vacuum again' },
    });
    expect(replaced.json).toEqual({ matchedCount: 1, modifiedCount: 1 });
    const many = await withKey('updateMany', {
      filter: { status: 'complete' },
      update: { $set: { done: true } },
    });
    expect(many.json).toEqual({ matchedCount: 3, modifiedCount: 3 });
    expect((await withKey('deleteOne', { filter: { text: 'Vacuum again' } })).json).toEqual({
      deletedCount: 1,
    });
    expect((await withKey('deleteMany', { filter: { status: 'complete' } })).json).toEqual({
      deletedCount: 3,
    });
    expect((await withKey('find', { filter: { status: 'complete' } })).json).toEqual({ documents: [] });
  });

  it('answers 400 for a missing namespace field or a bad option, with the Atlas error body', async () => {
    const res = await action(appId, 'find', { dataSource: 'mongodb-atlas', database: 'x' }, { apiKey });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: "missing required field 'collection'",
      error_code: 'MissingParameter',
      link: expect.stringContaining(`/admin/v1/apps/${appId}/logs?request_id=`),
    });
    const wrongSource = await withKey('find', { dataSource: 'other-cluster' });
    expect(wrongSource.status).toBe(400);
    expect(wrongSource.json.error).toBe("no data source named 'other-cluster'");
    const badType = await action(appId, 'find', { ...ns }, { apiKey, 'Content-Type': 'text/plain' });
    expect(badType.status).toBe(400);
    expect(badType.json.error_code).toBe('InvalidParameter');
  });

  it('answers the §3.4 auth errors: no credentials 400, a bad key 401', async () => {
    const none = await action(appId, 'find', ns);
    expect(none.status).toBe(400);
    expect(none.json).toMatchObject({
      error: 'no authentication methods were specified',
      error_code: 'InvalidParameter',
    });
    const bad = await action(appId, 'find', ns, { apiKey: 'not-a-key' });
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({
      error: 'invalid session: error finding user for endpoint',
      error_code: 'InvalidSession',
    });
  });

  it('VERIFY_PAYLOAD checks the docs vector 769cd868… over the compact body; SECRET_AS_QUERY_PARAM the ?secret', async () => {
    const signed = await platform.createApp('data-api-signed');
    await platform.admin('PUT', `/apps/${signed}/secrets/signing`, { value: '12345' });
    await putDataApi(signed, {
      run_as_system: true,
      validation_method: 'VERIFY_PAYLOAD',
      secret_name: 'signing',
    });
    const compact =
      '{"dataSource":"mongodb-atlas","database":"learn-data-api","collection":"tasks","filter":{"text":"Do the dishes"}}';
    const signature = 'sha256=769cd86855787f476afc8b0d2cf9837ab0318181fca42f45f34b6dffd086dfc7';
    const ok = await action(signed, 'findOne', compact, { 'Endpoint-Signature': signature });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ document: null });
    const pretty = JSON.stringify(JSON.parse(compact), null, 2);
    const refused = await action(signed, 'findOne', pretty, { 'Endpoint-Signature': signature });
    expect(refused.status).toBe(401);
    expect(refused.json.error_code).toBe('IncomingWebhookAuthFailed');

    const secret = await platform.createApp('data-api-secret');
    await platform.admin('PUT', `/apps/${secret}/secrets/pw`, { value: 'Super5ecr3tPa55w0rd' });
    await putDataApi(secret, {
      run_as_system: true,
      validation_method: 'SECRET_AS_QUERY_PARAM',
      secret_name: 'pw',
    });
    expect((await action(secret, 'find', ns)).status).toBe(401);
    expect((await action(secret, 'find', ns, {}, '?secret=wrong')).status).toBe(401);
    const allowed = await action(secret, 'find', ns, {}, '?secret=Super5ecr3tPa55w0rd');
    expect(allowed.status).toBe(200);
    expect(allowed.json).toEqual({ documents: [] });
  });

  it("applies the Data API's can_evaluate: false → 401 and nothing written", async () => {
    const guarded = await platform.createApp('data-api-guarded');
    await putDataApi(guarded, {
      run_as_system: true,
      can_evaluate: { '%%request.requestHeaders.x-secret-key': 'my-secret' },
    });
    const denied = await action(guarded, 'insertOne', { ...ns, document: { by: 'denied' } });
    expect(denied.status).toBe(401);
    expect(denied.json.error_code).toBe('NoMatchingRule');
    const allowed = await action(
      guarded,
      'insertOne',
      { ...ns, document: { by: 'allowed' } },
      { 'X-Secret-Key': 'my-secret' },
    );
    expect(allowed.status).toBe(201);
    const all = await action(guarded, 'find', ns, { 'x-secret-key': 'my-secret' });
    expect(all.json.documents.map((d: { by: string }) => d.by)).toEqual(['allowed']);
  });

  it('application auth takes a Bearer access token and email + password, like endpoints', async () => {
    const users = await platform.createApp('data-api-users');
    await putDataApi(users, { can_evaluate: { '%%user.data.email': 'ana@example.com' } });
    const providers = {
      'local-userpass': { name: 'local-userpass', type: 'local-userpass', config: { autoConfirm: true } },
    };
    expect((await platform.admin('PUT', `/apps/${users}/auth/providers`, providers)).status).toBeLessThan(
      300,
    );
    const client = `${platform.gatewayUrl}/api/client/v2.0/app/${users}/auth/providers/local-userpass`;
    const post = (url: string, body: unknown) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (const email of ['ana@example.com', 'bob@example.com'])
      expect((await post(`${client}/register`, { email, password: 'pass-word' })).status).toBe(201);
    const login = (await (
      await post(`${client}/login`, { username: 'ana@example.com', password: 'pass-word' })
    ).json()) as {
      access_token: string;
    };
    const bearer = await action(
      users,
      'insertOne',
      { ...ns, document: { by: 'bearer' } },
      {
        authorization: `Bearer ${login.access_token}`,
      },
    );
    expect(bearer.status).toBe(201);
    const headers = await action(
      users,
      'insertOne',
      { ...ns, document: { by: 'headers' } },
      {
        email: 'ana@example.com',
        password: 'pass-word',
      },
    );
    expect(headers.status).toBe(201);
    // Bob is a valid user, but the rule reads %%user: denied.
    const bob = await action(users, 'find', ns, { email: 'bob@example.com', password: 'pass-word' });
    expect(bob.status).toBe(401);
    expect(bob.json.error_code).toBe('NoMatchingRule');
    const wrong = await action(users, 'find', ns, { email: 'ana@example.com', password: 'wrong-pass' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error_code).toBe('InvalidSession');
  });

  it('Script run mode: the script sees the request and decides the user, which can_evaluate then sees', async () => {
    const scripted = await platform.createApp('data-api-script');
    await platform.admin('PUT', `/apps/${scripted}/values/apiAuthKey`, { value: 'dana-token' });
    // After kosach/caffe-control (reference §1.3): the script reads the request it is given.
    await putDataApi(scripted, {
      run_as_user_id_script_source: `exports = function ({ query, headers, body }) {
        if (JSON.parse(body.text()).database !== 'learn-data-api') throw new Error('not the request body');
        if ((headers['X-Run-As'] || [])[0] === 'system') return { runAsSystem: true };
        if (query['auth-token'] === context.values.get('apiAuthKey')) return 'dana-1';
        if (query['auth-token'] === 'eve-token') return 'eve-2';
        return null;
      }`,
      can_evaluate: { '%%user.id': { $in: ['dana-1', 'system'] } },
    });
    const insert = (by: string, headers: Record<string, string> = {}, query = '') =>
      action(scripted, 'insertOne', { ...ns, document: { by } }, headers, query);

    expect((await insert('dana', {}, '?auth-token=dana-token')).status).toBe(201);
    expect((await insert('system', { 'X-Run-As': 'system' })).status).toBe(201);
    // The script names a user the rule refuses: the rule saw the script's user.
    const eve = await insert('eve', {}, '?auth-token=eve-token');
    expect(eve.status).toBe(401);
    expect(eve.json.error_code).toBe('NoMatchingRule');
    // No user from the script: the §3.4 401, the reason in the log only.
    const nobody = await insert('nobody');
    expect(nobody.status).toBe(401);
    expect(nobody.json).toMatchObject({
      error_code: 'InvalidSession',
      error: 'invalid session: error finding user for endpoint',
    });
    await platform.waitForLogs(scripted, (logs) =>
      logs.some((e) =>
        e.logs.some((l: string) => l.includes('run_as_user_id_script_source: returned neither a user id')),
      ),
    );
    const all = await action(scripted, 'find', { ...ns, sort: { by: 1 } }, { 'X-Run-As': 'system' });
    expect(all.json.documents.map((d: { by: string }) => d.by)).toEqual(['dana', 'system']);
  });

  it('answers 404 once the Data API is disabled, and for an app that never enabled it', async () => {
    await putDataApi(appId, { disabled: true });
    // The gateway swaps the app's table on the change event; poll until it has.
    let res = await withKey('find', {});
    for (const until = Date.now() + 5000; res.status !== 404 && Date.now() < until;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      res = await withKey('find', {});
    }
    expect(res.status).toBe(404);
    expect(res.json.error_code).toBe('EndpointNotFound');
    const plain = await platform.createApp('data-api-none');
    expect((await action(plain, 'find', ns)).status).toBe(404);
  });
});
