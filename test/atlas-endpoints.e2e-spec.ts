import { StandalonePlatform, rawRequest } from './support/standalone';

/**
 * Atlas-style function endpoints end to end (issue #2 item 6, reference/atlas-endpoints.md §0–§3.4, §7)
 * against a real standalone process, with MongoDB's documented examples where they exist.
 */
describe('Atlas function endpoints (standalone, real process)', () => {
  const platform = new StandalonePlatform();
  let appId: string;
  let apiKey: string;

  const fn = (source: string, extra: Record<string, unknown> = {}) => ({
    source,
    run_as_system: true,
    ...extra,
  });
  const ep = (route: string, function_name: string, extra: Record<string, unknown> = {}) => ({
    route,
    http_method: 'GET',
    function_name,
    validation_method: 'NO_VALIDATION',
    respond_result: true,
    fetch_custom_user_data: false,
    create_user_on_auth: false,
    disabled: false,
    return_type: 'JSON',
    ...extra,
  });

  beforeAll(async () => {
    await platform.start();
    appId = await platform.createApp('atlas-e2e');
    const functions: Record<string, Record<string, unknown>> = {
      // MongoDB's documented endpoint example (seed "Write an Endpoint Function").
      custom: fn(`exports = async function (request, response) {
        try {
          if (request.body === undefined) { throw new Error(\`Request body was not defined.\`) }
          const body = JSON.parse(request.body.text());
          const { insertedId } = await context.services.get("mongodb-atlas").db("myDb").collection("myCollection")
            .insertOne({ date: new Date(), requestBody: body });
          response.setStatusCode(201);
          response.setBody(JSON.stringify({ message: "Successfully saved the request body", insertedId }));
        } catch (error) { response.setStatusCode(400); response.setBody(error.message); }
      }`),
      // DAS:examples/data-api/backend: /hello/latest returns a Date.
      'endpoint/hello/latest': fn(`exports = function () {
        return { greeting: "Hello, World!", date: new Date("2023-05-05T01:02:03.456Z") };
      }`),
      ok: fn(`exports = () => ({ ok: 1 })`),
      echo: fn(`exports = function (request) {
        return { headers: request.headers, query: request.query, hasBody: request.body !== undefined,
                 text: request.body === undefined ? null : request.body.text(),
                 base64: request.body === undefined ? null : request.body.toBase64(),
                 ctx: context.request };
      }`),
      method: fn(`exports = () => context.request.httpMethod`),
      chain: fn(
        `exports = (req, res) => res.setStatusCode(202).setHeader("X-One", "a").addHeader("Cache-Control", "no-cache").addHeader("Cache-Control", "no-store").setBody("chained")`,
      ),
      statusAndReturn: fn(`exports = (req, res) => { res.setStatusCode(200); return "Hello world"; }`),
      redirect: fn(
        `exports = (req, res) => { res.setStatusCode(302); res.setHeader("Location", "https://example.com/x"); res.setBody(""); }`,
      ),
      silent: fn(`exports = () => ({ not: "sent" })`),
      silentBody: fn(
        `exports = (req, res) => { res.setBody(JSON.stringify({ via: "setBody" })); return "ignored"; }`,
      ),
      typed: fn(`exports = () => ({
        oid: new BSON.ObjectId("5f1a2b3c4d5e6f7a8b9c0d1e"), date: new Date("2020-01-02T03:04:05.006Z"),
        dec: BSON.Decimal128.fromString("1.50"), i32: new BSON.Int32(7), long: BSON.Long.fromNumber(9007199254740991),
        dbl: new BSON.Double(2.5), bin: new BSON.Binary(new Uint8Array([1,2,3]), 0), re: new BSON.BSONRegExp("^H", "i"),
        min: new BSON.MinKey(), max: new BSON.MaxKey(), plain: 42, str: "s" })`),
      thrower: fn(`exports = () => { throw new Error("boom") }`),
      typeError: fn(`exports = () => { const x = undefined; return x.db; }`),
      rejecter: fn(`exports = async () => { await null; throw "plain string" }`),
      seed: fn(`exports = async () => {
        const c = context.services.get("mongodb-atlas").db("shop").collection("items");
        await c.deleteMany({});
        await c.insertMany([{ _id: 1, n: "a", qty: 5 }, { _id: 2, n: "b", qty: 1 }, { _id: 3, n: "c", qty: 9 }]);
        return c.count({});
      }`),
      cursorReturn: fn(
        `exports = () => context.services.get("mongodb-atlas").db("shop").collection("items").find({}, { n: 1 }).sort({ qty: -1 }).limit(2)`,
      ),
      cursorPromise: fn(
        `exports = async () => context.services.get("mongodb-atlas").db("shop").collection("items").find({ qty: { $gt: 2 } }).sort({ _id: 1 })`,
      ),
      collectionOps: fn(`exports = async () => {
        const c = context.services.get("mongodb-atlas").db("shop").collection("ops");
        await c.deleteMany({});
        const one = await c.insertOne({ k: "x", v: 1 });
        const upd = await c.updateOne({ k: "x" }, { $inc: { v: 2 } });
        const ups = await c.updateMany({ k: "y" }, { $set: { v: 10 } }, { upsert: true });
        const before = await c.findOneAndUpdate({ k: "x" }, { $set: { v: 100 } });
        const after = await c.findOneAndUpdate({ k: "x" }, { $set: { v: 200 } }, { returnNewDocument: true, projection: { _id: 0 } });
        const distinct = await c.distinct("k", {});
        const agg = await c.aggregate([{ $group: { _id: null, total: { $sum: "$v" } } }]).toArray();
        const cursor = c.find({}).sort({ k: 1 });
        const first = await cursor.next();
        const del = await c.deleteOne({ k: "y" });
        const found = await c.findOne({ _id: one.insertedId });
        return { insertedIdIsOid: one.insertedId instanceof BSON.ObjectId, upd, upsertedIdSet: ups.upsertedId !== undefined,
                 matched: ups.matchedCount, beforeV: before.v, after, distinct: distinct.sort(), agg, firstK: first.k, del,
                 foundV: found.v, count: await c.count({}) };
      }`),
      values:
        fn(`exports = () => ({ plain: context.values.get("greeting"), secretBacked: context.values.get("fromSecret"),
        missing: context.values.get("nope") === undefined, env: context.environment.tag })`),
      caller: fn(
        `exports = async (req) => ({ sum: await context.functions.execute("helpers/add", 2, 3), app: context.app.name, sys: context.runningAsSystem() })`,
      ),
      'helpers/add': { source: `exports = (a, b) => a + b`, private: true },
      logger: fn(
        `exports = () => { console.log("hello from", "logger", { n: 1 }); console.error("oops"); return "logged"; }`,
      ),
      whoami: {
        source: `exports = () => ({ id: context.user.id, type: context.user.type, system: context.runningAsSystem() })`,
      },
      ejsonBody: fn(
        `exports = (req) => { const doc = EJSON.parse(req.body.text()); return { isDate: doc.when instanceof Date, year: doc.when.getUTCFullYear() }; }`,
      ),
      anyMethod: fn(`exports = () => "any:" + context.request.httpMethod`),
    };
    for (const [name, spec] of Object.entries(functions)) await platform.putFunction(appId, name, spec);
    expect(
      (
        await platform.admin('PUT', `/apps/${appId}/secrets/secret_password`, {
          value: 'Super5ecr3tPa55w0rd',
        })
      ).status,
    ).toBeLessThan(300);
    expect(
      (await platform.admin('PUT', `/apps/${appId}/values/greeting`, { value: { text: 'hi' } })).status,
    ).toBeLessThan(300);
    expect(
      (
        await platform.admin('PUT', `/apps/${appId}/values/fromSecret`, {
          value: 'secret_password',
          from_secret: true,
        })
      ).status,
    ).toBeLessThan(300);
    await platform.putEndpoints(appId, [
      ep('/custom', 'custom', { http_method: 'POST' }),
      ep('/hello/latest', 'endpoint/hello/latest'),
      ep('/passwordRequired', 'ok', {
        validation_method: 'SECRET_AS_QUERY_PARAM',
        secret_name: 'secret_password',
      }),
      ep('/sendMessage', 'ok', {
        http_method: 'POST',
        validation_method: 'VERIFY_PAYLOAD',
        secret_name: 'secret_password',
      }),
      ep('/echo', 'echo', { http_method: '*' }),
      ep('/secretEcho', 'echo', {
        validation_method: 'SECRET_AS_QUERY_PARAM',
        secret_name: 'secret_password',
      }),
      ep('/method', 'method', { http_method: 'PUT' }),
      ep('/method', 'method', { http_method: 'PATCH' }),
      ep('/chain', 'chain'),
      ep('/statusAndReturn', 'statusAndReturn'),
      ep('/redirect', 'redirect', { respond_result: false }),
      ep('/silent', 'silent', { respond_result: false }),
      ep('/silentBody', 'silentBody', { respond_result: false }),
      ep('/typed', 'typed'),
      ep('/typed/ejson', 'typed', { return_type: 'EJSON' }),
      ep('/thrower', 'thrower'),
      ep('/typeError', 'typeError'),
      ep('/rejecter', 'rejecter'),
      ep('/seed', 'seed', { http_method: 'POST' }),
      ep('/cursorReturn', 'cursorReturn'),
      ep('/cursorPromise', 'cursorPromise'),
      ep('/collectionOps', 'collectionOps', { http_method: 'POST' }),
      ep('/values', 'values'),
      ep('/caller', 'caller'),
      ep('/logger', 'logger'),
      ep('/whoami', 'whoami'),
      ep('/ejsonBody', 'ejsonBody', { http_method: 'POST' }),
      ep('/any', 'anyMethod', { http_method: '*' }),
      ep('/off', 'ok', { disabled: true }),
      ep('/a/deeply/nested/route', 'ok'),
    ]);
    const key = await platform.admin('POST', `/apps/${appId}/api-keys`, { name: 'server-key' });
    expect(key.status).toBe(201);
    apiKey = key.json.key as string;
  }, 60_000);

  afterAll(async () => {
    await platform.stop();
  });

  describe('MongoDB documented examples', () => {
    it('POST /custom inserts the parsed body and answers 201 with the insertedId', async () => {
      const res = await platform.call(appId, '/custom', {
        method: 'POST',
        body: JSON.stringify({ name: 'Leafie' }),
      });
      expect(res.status).toBe(201);
      expect(res.json.message).toBe('Successfully saved the request body');
      expect(res.json.insertedId).toMatch(/^[0-9a-f]{24}$/);
    });

    it('POST /custom without a body reaches the catch block (body is undefined)', async () => {
      const res = await platform.call(appId, '/custom', { method: 'POST' });
      expect(res.status).toBe(400);
      expect(res.text).toBe('Request body was not defined.');
    });

    it('/hello/latest renders the Date as ISO in JSON and as canonical EJSON on Accept: application/ejson', async () => {
      const json = await platform.call(appId, '/hello/latest');
      expect(json.status).toBe(200);
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);
      expect(json.text).toContain('"date":"2023-05-05T01:02:03.456Z"');
      const ejson = await platform.call(appId, '/hello/latest', { headers: { Accept: 'application/ejson' } });
      expect(ejson.headers.get('content-type')).toMatch(/^application\/ejson/);
      expect(ejson.text).toContain('"date":{"$date":{"$numberLong":"1683248523456"}}');
    });

    it('SECRET_AS_QUERY_PARAM: ?secret=Super5ecr3tPa55w0rd gives {"ok":1}; wrong or missing secret gives 401', async () => {
      const ok = await platform.call(appId, '/passwordRequired?secret=Super5ecr3tPa55w0rd');
      expect(ok.status).toBe(200);
      expect(ok.json).toEqual({ ok: 1 });
      for (const q of ['?secret=wrong', '']) {
        const bad = await platform.call(appId, `/passwordRequired${q}`);
        expect(bad.status).toBe(401);
        expect(bad.json.error_code).toBe('IncomingWebhookAuthFailed');
      }
    });

    it('VERIFY_PAYLOAD: the documented Endpoint-Signature vector passes; a re-serialized body or bad signature fails', async () => {
      const body = '{ "message": "Hello!" }';
      const signature = 'sha256=d4f0537db4e230d7a6028a6f7c3bb1b57c9d16f39176d78697e559ac333e0b36';
      const ok = await platform.call(appId, '/sendMessage', {
        method: 'POST',
        body,
        headers: { 'Endpoint-Signature': signature },
      });
      expect(ok.status).toBe(200);
      expect(ok.json).toEqual({ ok: 1 });
      const compact = await platform.call(appId, '/sendMessage', {
        method: 'POST',
        body: '{"message":"Hello!"}',
        headers: { 'Endpoint-Signature': signature },
      });
      expect(compact.status).toBe(401);
      expect(compact.json.error_code).toBe('IncomingWebhookAuthFailed');
      const missing = await platform.call(appId, '/sendMessage', { method: 'POST', body });
      expect(missing.status).toBe(401);
    });
  });

  describe('routing', () => {
    it('matches nested routes', async () => {
      expect((await platform.call(appId, '/a/deeply/nested/route')).json).toEqual({ ok: 1 });
    });

    it('serves several methods on one route and answers 405 with Allow for others', async () => {
      expect((await platform.call(appId, '/method', { method: 'PUT' })).json).toBe('PUT');
      expect((await platform.call(appId, '/method', { method: 'PATCH' })).json).toBe('PATCH');
      const res = await platform.call(appId, '/method', { method: 'DELETE' });
      expect(res.status).toBe(405);
      expect(res.json.error_code).toBe('MethodNotAllowed');
      expect(res.headers.get('allow')?.split(/,\s*/).sort()).toEqual(['PATCH', 'PUT']);
    });

    it('"*" accepts every method', async () => {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        const res = await platform.call(appId, '/any', { method });
        expect(res.json).toBe(`any:${method}`);
      }
    });

    it('unknown and disabled endpoints are 404 EndpointNotFound; unknown apps 404 too', async () => {
      for (const route of ['/nope', '/off']) {
        const res = await platform.call(appId, route);
        expect(res.status).toBe(404);
        expect(res.json.error_code).toBe('EndpointNotFound');
        expect(typeof res.json.error).toBe('string');
      }
      const noApp = await platform.call('missing-abcde', '/hello');
      expect(noApp.status).toBe(404);
      expect(noApp.json.error_code).toBe('AppNotFound');
    });

    it('every response carries an X-Request-Id', async () => {
      const a = await platform.call(appId, '/a/deeply/nested/route');
      const b = await platform.call(appId, '/nope');
      expect(a.headers.get('x-request-id')).toBeTruthy();
      expect(b.headers.get('x-request-id')).toBeTruthy();
      expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
    });
  });

  describe('the request object', () => {
    it('has MIME-canonical header keys with every value, first-occurrence query, raw body bytes', async () => {
      const res = await rawRequest(
        `${platform.gatewayUrl}/app/${appId}/endpoint/echo?b=2&a=1&a=3&regions=na,eu`,
        'POST',
        ['x-customheader', 'one', 'X-CUSTOMHEADER', 'two', 'content-type', 'text/plain; charset=utf-8'],
        'héllo wörld ✓',
      );
      expect(res.text).toContain('"hasBody":true');
      expect(res.status).toBe(200);
      expect(res.json.headers['X-Customheader']).toEqual(['one', 'two']);
      expect(res.json.headers['Content-Type']).toEqual(['text/plain; charset=utf-8']);
      expect(res.json.query).toEqual({ b: '2', a: '1', regions: 'na,eu' });
      expect(res.json.hasBody).toBe(true);
      expect(res.json.text).toBe('héllo wörld ✓');
      expect(Buffer.from(res.json.base64 as string, 'base64').toString('utf8')).toBe('héllo wörld ✓');
      expect(res.json.ctx.rawQueryString).toBe('b=2&a=1&a=3&regions=na,eu');
      expect(res.json.ctx.httpMethod).toBe('POST');
      expect(res.json.ctx.webhookUrl).toBe('/echo');
      expect(res.json.ctx.requestHeaders['X-Customheader']).toEqual(['one', 'two']);
      expect(typeof res.json.ctx.remoteIPAddress).toBe('string');
    });

    it('body is undefined without a body, even for POST', async () => {
      const res = await platform.call(appId, '/echo', { method: 'POST' });
      expect(res.json.hasBody).toBe(false);
      expect(res.json.text).toBeNull();
    });

    it('GET requests may carry a body', async () => {
      const res = await platform.call(appId, '/echo', { method: 'GET', body: undefined });
      expect(res.json.hasBody).toBe(false);
    });

    it('the secret is removed from both query and rawQueryString', async () => {
      const res = await platform.call(appId, '/secretEcho?someParam=42&secret=Super5ecr3tPa55w0rd&z=1');
      expect(res.status).toBe(200);
      expect(res.json.query).toEqual({ someParam: '42', z: '1' });
      expect(res.json.ctx.rawQueryString).toBe('someParam=42&z=1');
    });

    it('a request body in EJSON can be parsed with the EJSON global', async () => {
      const body = JSON.stringify({ name: 'Leafie', when: { $date: { $numberLong: '1638551310749' } } });
      const res = await platform.call(appId, '/ejsonBody', {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/ejson' },
      });
      expect(res.json).toEqual({ isDate: true, year: 2021 });
    });
  });

  describe('the response object and respond_result', () => {
    it('setters chain; setHeader replaces; addHeader appends values', async () => {
      const res = await platform.call(appId, '/chain');
      expect(res.status).toBe(202);
      expect(res.text).toBe('chained');
      expect(res.headers.get('x-one')).toBe('a');
      expect(res.headers.get('cache-control')).toBe('no-cache, no-store');
    });

    it('with respond_result the return value is the body even when setStatusCode was called', async () => {
      const res = await platform.call(appId, '/statusAndReturn');
      expect(res.status).toBe(200);
      expect(res.json).toBe('Hello world');
    });

    it('respond_result false: 204 with no body by default', async () => {
      const res = await platform.call(appId, '/silent');
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
    });

    it('respond_result false: setStatusCode/setHeader/setBody still apply (redirect service pattern)', async () => {
      const res = await platform.call(appId, '/redirect', { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://example.com/x');
      const body = await platform.call(appId, '/silentBody');
      expect(body.status).toBe(200);
      expect(body.json).toEqual({ via: 'setBody' });
    });
  });

  describe('formats', () => {
    it('renders BSON types as App Services JSON', async () => {
      const res = await platform.call(appId, '/typed');
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        oid: '5f1a2b3c4d5e6f7a8b9c0d1e',
        date: '2020-01-02T03:04:05.006Z',
        dec: '1.50',
        i32: 7,
        long: 9007199254740991,
        dbl: 2.5,
        bin: { Subtype: 0, Data: 'AQID' },
        re: { Pattern: '^H', Options: 'i' },
        min: {},
        max: {},
        plain: 42,
        str: 's',
      });
    });

    it('return_type EJSON answers canonical EJSON, and Accept: application/json overrides it', async () => {
      const ejson = await platform.call(appId, '/typed/ejson');
      expect(ejson.headers.get('content-type')).toMatch(/^application\/ejson/);
      expect(ejson.json.oid).toEqual({ $oid: '5f1a2b3c4d5e6f7a8b9c0d1e' });
      expect(ejson.json.i32).toEqual({ $numberInt: '7' });
      expect(ejson.json.plain).toEqual({ $numberInt: '42' });
      expect(ejson.json.dbl).toEqual({ $numberDouble: '2.5' });
      expect(ejson.json.dec).toEqual({ $numberDecimal: '1.50' });
      const json = await platform.call(appId, '/typed/ejson', { headers: { Accept: 'application/json' } });
      expect(json.json.oid).toBe('5f1a2b3c4d5e6f7a8b9c0d1e');
      const invalidAccept = await platform.call(appId, '/typed/ejson', { headers: { Accept: 'text/csv' } });
      expect(invalidAccept.json.oid).toEqual({ $oid: '5f1a2b3c4d5e6f7a8b9c0d1e' });
    });

    it('drains a returned cursor, and a promise of one, into an array', async () => {
      expect((await platform.call(appId, '/seed', { method: 'POST' })).json).toBe(3);
      const direct = await platform.call(appId, '/cursorReturn');
      expect(direct.json).toEqual([
        { _id: 3, n: 'c' },
        { _id: 1, n: 'a' },
      ]);
      const viaPromise = await platform.call(appId, '/cursorPromise');
      expect(viaPromise.json.map((d: { _id: number }) => d._id)).toEqual([1, 3]);
    });
  });

  describe('errors', () => {
    it('an uncaught Error is 400 FunctionExecutionError with the Atlas body and a log link', async () => {
      const res = await platform.call(appId, '/thrower');
      expect(res.status).toBe(400);
      expect(res.json.error_code).toBe('FunctionExecutionError');
      expect(JSON.parse(res.json.error as string)).toEqual({ message: 'boom', name: 'Error' });
      expect(res.json.link).toBe(
        `${platform.adminUrl}/admin/v1/apps/${appId}/logs?request_id=${res.headers.get('x-request-id')}`,
      );
      expect(res.text).not.toMatch(/at .*\.(js|ts):\d+/);
    });

    it('a TypeError and a rejected promise of a string are FunctionExecutionErrors too', async () => {
      const typeError = await platform.call(appId, '/typeError');
      expect(typeError.status).toBe(400);
      expect(JSON.parse(typeError.json.error as string).name).toBe('TypeError');
      const rejected = await platform.call(appId, '/rejecter');
      expect(rejected.status).toBe(400);
      expect(rejected.json.error).toBe('plain string');
    });
  });

  describe('application authentication with API keys', () => {
    it('accepts the apiKey and api-key headers and runs as a server user', async () => {
      for (const header of ['apiKey', 'api-key']) {
        const res = await platform.call(appId, '/whoami', { headers: { [header]: apiKey } });
        expect(res.status).toBe(200);
        expect(res.json.type).toBe('server');
        expect(res.json.system).toBe(false);
        expect(typeof res.json.id).toBe('string');
      }
    });

    it('answers the §3.4 bodies: no credentials 400, partial 400, unknown key 401', async () => {
      const none = await platform.call(appId, '/whoami');
      expect(none.status).toBe(400);
      expect(none.json).toMatchObject({
        error: 'no authentication methods were specified',
        error_code: 'InvalidParameter',
      });
      const partial = await platform.call(appId, '/whoami', { headers: { email: 'a@b.c' } });
      expect(partial.status).toBe(400);
      expect(partial.json.error_code).toBe('MissingParameter');
      const wrong = await platform.call(appId, '/whoami', { headers: { apiKey: 'x'.repeat(64) } });
      expect(wrong.status).toBe(401);
      expect(wrong.json).toMatchObject({
        error: 'invalid session: error finding user for endpoint',
        error_code: 'InvalidSession',
      });
    });

    it('a deleted key stops working', async () => {
      const created = await platform.admin('POST', `/apps/${appId}/api-keys`, { name: 'temp' });
      expect((await platform.call(appId, '/whoami', { headers: { apiKey: created.json.key } })).status).toBe(
        200,
      );
      expect(
        (await platform.admin('DELETE', `/apps/${appId}/api-keys/${created.json.id}`)).status,
      ).toBeLessThan(300);
      expect((await platform.call(appId, '/whoami', { headers: { apiKey: created.json.key } })).status).toBe(
        401,
      );
    });

    it('run_as_system functions need no credentials and see a system user', async () => {
      const res = await platform.call(appId, '/caller');
      expect(res.json.sys).toBe(true);
    });
  });

  describe('the context', () => {
    it('supports the collection subset', async () => {
      const res = await platform.call(appId, '/collectionOps', { method: 'POST' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        insertedIdIsOid: true,
        upd: { matchedCount: 1, modifiedCount: 1 },
        upsertedIdSet: true,
        matched: 0,
        beforeV: 3,
        after: { k: 'x', v: 200 },
        distinct: ['x', 'y'],
        agg: [{ _id: null, total: 210 }],
        firstK: 'x',
        del: { deletedCount: 1 },
        foundV: 200,
        count: 1,
      });
    });

    it('values.get returns plain and secret-backed values; environment is present', async () => {
      const res = await platform.call(appId, '/values');
      expect(res.json).toEqual({
        plain: { text: 'hi' },
        secretBacked: 'Super5ecr3tPa55w0rd',
        missing: true,
        env: '',
      });
    });

    it('functions.execute calls private functions; context.app names the app', async () => {
      const res = await platform.call(appId, '/caller');
      expect(res.json).toMatchObject({ sum: 5, app: 'atlas-e2e' });
    });

    it('console output lands in the invocation log, newest first', async () => {
      const res = await platform.call(appId, '/logger');
      const requestId = res.headers.get('x-request-id');
      const logs = await platform.waitForLogs(appId, (l) => l.some((e) => e.requestId === requestId));
      const entry = logs.find((e) => e.requestId === requestId);
      expect(entry).toMatchObject({ route: '/logger', method: 'GET', status: 200, function_name: 'logger' });
      expect(entry.logs.join('\n')).toContain('hello from logger');
      expect(entry.logs.join('\n')).toContain('oops');
      const times = logs.map((e) => Date.parse(e.time));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    });

    it('a failed invocation is logged with its error', async () => {
      const res = await platform.call(appId, '/thrower');
      const requestId = res.headers.get('x-request-id');
      const logs = await platform.waitForLogs(appId, (l) => l.some((e) => e.requestId === requestId));
      expect(logs.find((e) => e.requestId === requestId).error.code).toBe('FunctionExecutionError');
    });
  });
});
