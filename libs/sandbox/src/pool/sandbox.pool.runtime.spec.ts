import { SANDBOX_ENGINES } from '../engine/sandbox-engine.port';
import { EJSON, ObjectId } from 'bson';
import type { InvocationJob, InvocationResult } from '@portico/contracts';
import type { HostCall, HostCallHandler } from '../sandbox.port';
import { bundleOf, jobOf, memoryLogger, noHostCalls, text } from '../testing/sandbox.fixtures';
import { SandboxPool } from './sandbox.pool';

const APP = 'runtime-abcde';
const DB = 'context.services.get("mongodb-atlas").db("shop").collection("items")';

/** Every function the suite calls, in one bundle: one warm host serves the whole file. */
const FUNCTIONS: Record<string, string | { source: string; private: boolean }> = {
  hello: 'exports = function ({ query, headers, body }, response) { return "Hello World!"; };',
  helloLatest:
    'exports = function () { return { greeting: "hello", date: new Date("2023-05-05T01:02:03.456Z") }; };',
  bsonTypes: `exports = function () {
    return { id: new BSON.ObjectId("5ae782e48f25b9dc5c51c4a5"), n: 42, i: new BSON.Int32(7), l: BSON.Long.fromNumber(5),
      d: BSON.Decimal128.fromString("1.50"), bin: BSON.Binary.fromBase64("AQID", 5), re: new BSON.BSONRegExp("^H", "i"),
      ts: new BSON.Timestamp({ t: 10, i: 2 }), min: new BSON.MinKey(), max: new BSON.MaxKey(), u: new BSON.UUID().toHexString().length };
  };`,
  statusAndReturn: 'exports = function (req, res) { res.setStatusCode(201); return { a: 1 }; };',
  bodyWins: 'exports = function (req, res) { res.setBody("raw text"); return { a: 1 }; };',
  bodyKeepsType:
    'exports = function (req, res) { res.setHeader("content-type", "text/plain; charset=utf-8").setBody("x"); };',
  resultOverridesType:
    'exports = function (req, res) { res.setHeader("Content-Type", "text/plain"); return [1]; };',
  redirect:
    'module.exports = function (req, res) { return res.setStatusCode(302).setHeader("Location", "/next").addHeader("Cache-Control", "no-cache").addHeader("Cache-Control", "no-store").setBody(""); };',
  replaceHeader:
    'exports = function (req, res) { res.addHeader("X-A", "1").addHeader("x-a", "2").setHeader("X-a", "3"); return "ok"; };',
  returnsUndefined: 'exports = function () {};',
  binaryBody:
    'exports = function (req, res) { res.setHeader("Content-Type", "application/octet-stream"); res.setBody(BSON.Binary.fromHex("0001ff")); };',
  badStatus: 'exports = function (req, res) { res.setStatusCode(99); };',
  echoBody: `exports = function ({ body }) {
    if (body === undefined) return { undefinedBody: true };
    return { text: body.text(), b64: body.toBase64(), hex: body.toHex(), isBinary: body instanceof BSON.Binary,
      parsed: body.text() ? JSON.parse(body.text()) : null, roundTrip: BSON.Binary.fromBase64(body.toBase64()).text() === body.text(),
      fromHex: BSON.Binary.fromHex("c3a9").text(), viaEncoder: new TextDecoder().decode(new TextEncoder().encode(body.text())) === body.text() };
  };`,
  asyncValue: 'exports = async function () { await null; await Promise.resolve(); return { async: true }; };',
  thenable: 'exports = function () { return { then(resolve) { resolve("from thenable"); } }; };',
  cursor: `exports = function () { return ${DB}.find({ a: 1 }, { _id: 0 }).sort({ a: -1 }).skip(1).limit(2); };`,
  promiseOfCursor: `exports = async function () { return ${DB}.aggregate([{ $match: {} }]); };`,
  cursorNext: `exports = async function () { const c = ${DB}.find(); return [await c.next(), await c.hasNext(), await c.next(), await c.next()]; };`,
  insert: `exports = async function () {
    const r = await ${DB}.insertOne({ _id: new BSON.ObjectId("5ae782e48f25b9dc5c51c4a5"), at: new Date(0), qty: 3 });
    return { isObjectId: r.insertedId instanceof BSON.ObjectId, hex: r.insertedId.toHexString() };
  };`,
  hostCallFails: `exports = async function () { try { await ${DB}.findOne({}); return "no"; } catch (e) { return e.message; } };`,
  names: `exports = async function () {
    const svc = context.services.get("mongodb-atlas");
    return { dbs: await svc.admin().getDBNames(), colls: await svc.db("shop").getCollectionNames(), unknown: context.services.get("nope") === undefined };
  };`,
  manyOps: `exports = async function () {
    const c = ${DB};
    await c.findOne({ a: 1 }); await c.findOneAndUpdate({ a: 1 }, { $set: { b: 2 } }, { returnNewDocument: true, upsert: true });
    await c.findOneAndReplace({ a: 1 }, { a: 2 }); await c.findOneAndDelete({ a: 2 }); await c.insertMany([{ a: 1 }], { ordered: false });
    await c.updateOne({ a: 1 }, { $set: { a: 2 } }); await c.updateMany({}, { $set: { a: 3 } }); await c.replaceOne({ a: 3 }, { a: 4 });
    await c.deleteOne({ a: 4 }); await c.deleteMany({}); await c.count({ a: 1 }); await c.countDocuments({}); await c.distinct("a", { b: 1 });
    await c.bulkWrite([{ insertOne: { document: { a: 1 } } }], { ordered: true });
    return "done";
  };`,
  callsHelper:
    'exports = function () { console.log("outer"); return context.functions.execute("helper", 2, 3); };',
  helper: {
    source:
      'exports = function (a, b) { console.log("helper", a + b); return { sum: a + b, method: context.request.httpMethod }; };',
    private: true,
  },
  callsMissing: 'exports = function () { return context.functions.execute("nope"); };',
  values: `exports = function () {
    const v = context.values.get("config"); const before = v.nested.n; v.nested.n = 99;
    return { before, again: context.values.get("config").nested.n, secret: context.values.get("apiSecret"), missing: context.values.get("missing"),
      env: context.environment };
  };`,
  mutateEnv:
    'exports = function () { const e = context.environment; const was = e.values.DB; e.values.DB = "changed"; return was; };',
  contextInfo: `exports = function () {
    return { user: context.user, system: context.runningAsSystem(), app: context.app, request: context.request };
  };`,
  logs: `exports = function () {
    console.log("plain", 1, { a: new BSON.ObjectId("5ae782e48f25b9dc5c51c4a5") }); console.info("info"); console.warn("warn");
    console.error(new Error("bad")); console.debug(undefined, null, [1]);
    return "logged";
  };`,
  flood:
    'exports = function () { for (let i = 0; i < 1500; i++) console.log("line " + i); return "flooded"; };',
  bigLines:
    'exports = function () { const s = "x".repeat(300 * 1024); for (let i = 0; i < 5; i++) console.log(s); return "big"; };',
  throwsError: 'exports = function () { throw new TypeError("bad input"); };',
  throwsString: 'exports = function () { throw "plain string"; };',
  rejects: 'exports = async function () { await null; throw new RangeError("later"); };',
  syntaxError: 'exports = function () { return {; };',
  notAFunction: 'exports = 42;',
  concurrent: `exports = async function (req) {
    console.log("start " + req.query.n);
    const doc = await ${DB}.findOne({ n: req.query.n });
    console.log("end " + req.query.n);
    return { n: req.query.n, got: doc.n, user: context.user.id, q: context.request.rawQueryString };
  };`,
};

/** A host-call handler that records calls and answers from a table (canonical EJSON). */
function recordingHandler(answer: (call: HostCall) => unknown): HostCallHandler & { calls: HostCall[] } {
  const calls: HostCall[] = [];
  const handler = async (call: HostCall) => {
    calls.push(call);
    return EJSON.stringify(await answer(call), { relaxed: false });
  };
  return Object.assign(handler, { calls });
}

describe.each(SANDBOX_ENGINES)('SandboxPool [%s]: guest runtime through a real host', (engine) => {
  const logger = memoryLogger();
  const pool = new SandboxPool({ engine, maxProcesses: 2, maxProcessesPerApp: 1, logger });
  const bundle = bundleOf(APP, FUNCTIONS, {
    values: { config: { nested: { n: 1 } }, apiSecret: 's3cr3t' },
    environment: { tag: 'production', values: { DB: 'prod-db' } },
  });

  const run = (
    fn: string,
    opts: {
      job?: Partial<InvocationJob>;
      request?: Partial<InvocationJob['request']>;
      hostCalls?: HostCallHandler;
    } = {},
  ): Promise<InvocationResult> =>
    pool.run(bundle, jobOf(APP, fn, opts.job, opts.request), opts.hostCalls ?? noHostCalls);
  const json = (r: InvocationResult): unknown => JSON.parse(text(r.response?.body));

  afterAll(() => pool.close());

  it('answers hello with a JSON string, 200 and application/json', async () => {
    const r = await run('hello');
    expect(r.error).toBeUndefined();
    expect(r.response).toEqual({
      status: 200,
      headers: { 'Content-Type': ['application/json'] },
      body: expect.any(Uint8Array),
    });
    expect(text(r.response!.body)).toBe('"Hello World!"');
    expect(r.requestId).toMatch(/^req-/);
    expect(r.durationMs).toBeGreaterThan(0);
  });

  it('renders a Date as an ISO string in JSON and as canonical EJSON (reference §2.4, /hello/latest)', async () => {
    expect(text((await run('helloLatest')).response!.body)).toBe(
      '{"greeting":"hello","date":"2023-05-05T01:02:03.456Z"}',
    );
    const e = await run('helloLatest', { job: { responseFormat: 'EJSON' } });
    expect(text(e.response!.body)).toBe(
      '{"greeting":"hello","date":{"$date":{"$numberLong":"1683248523456"}}}',
    );
    expect(e.response!.headers['Content-Type']).toEqual(['application/ejson']);
  });

  it('renders BSON types per §2.4 in JSON and canonically in EJSON', async () => {
    expect(json(await run('bsonTypes'))).toEqual({
      id: '5ae782e48f25b9dc5c51c4a5',
      n: 42,
      i: 7,
      l: 5,
      d: '1.50',
      bin: { Subtype: 5, Data: 'AQID' },
      re: { Pattern: '^H', Options: 'i' },
      ts: { T: 10, I: 2 },
      min: {},
      max: {},
      u: 36,
    });
    const e = JSON.parse(
      text((await run('bsonTypes', { job: { responseFormat: 'EJSON' } })).response!.body),
    ) as Record<string, unknown>;
    expect(e.id).toEqual({ $oid: '5ae782e48f25b9dc5c51c4a5' });
    expect(e.n).toEqual({ $numberInt: '42' });
    expect(e.l).toEqual({ $numberLong: '5' });
    expect(e.min).toEqual({ $minKey: 1 });
  });

  describe('response object and result rule (§2.3, §2.4, §7.3–7.5)', () => {
    it('keeps the return value as body when only setStatusCode was called', async () => {
      const r = await run('statusAndReturn');
      expect(r.response!.status).toBe(201);
      expect(json(r)).toEqual({ a: 1 });
    });

    it('lets setBody win over the return value, with the negotiated Content-Type when none was set', async () => {
      const r = await run('bodyWins', { job: { responseFormat: 'EJSON' } });
      expect(text(r.response!.body)).toBe('raw text');
      expect(r.response!.headers).toEqual({ 'Content-Type': ['application/ejson'] });
    });

    it('keeps the Content-Type the function set for a setBody body', async () => {
      const r = await run('bodyKeepsType');
      expect(r.response!.headers).toEqual({ 'content-type': ['text/plain; charset=utf-8'] });
      expect(text(r.response!.body)).toBe('x');
    });

    it('gives a serialized return value the negotiated Content-Type', async () => {
      const r = await run('resultOverridesType');
      expect(r.response!.headers).toEqual({ 'Content-Type': ['application/json'] });
      expect(text(r.response!.body)).toBe('[1]');
    });

    it('chains setters; addHeader appends; a returned response object is not serialized', async () => {
      const r = await run('redirect');
      expect(r.response!.status).toBe(302);
      expect(r.response!.headers).toEqual({
        Location: ['/next'],
        'Cache-Control': ['no-cache', 'no-store'],
        'Content-Type': ['application/json'],
      });
      expect(r.response!.body).toBeNull();
    });

    it('setHeader replaces every value, whatever the name case', async () => {
      const r = await run('replaceHeader');
      expect(r.response!.headers['X-a']).toEqual(['3']);
      expect(r.response!.headers['X-A']).toBeUndefined();
    });

    it('answers 204 with no body when respond_result is off, unless a status was set', async () => {
      const off = { job: { endpoint: { route: '/hello', httpMethod: 'GET', respondResult: false } } };
      const r = await run('helloLatest', off);
      expect(r.response).toEqual({ status: 204, headers: {}, body: null });
      const s = await run('statusAndReturn', off);
      expect(s.response).toEqual({ status: 201, headers: {}, body: null });
      const redirect = await run('redirect', off);
      expect(redirect.response!.status).toBe(302);
      expect(redirect.response!.headers.Location).toEqual(['/next']);
    });

    it('answers 200 with an empty body when the function returns nothing', async () => {
      expect((await run('returnsUndefined')).response).toEqual({ status: 200, headers: {}, body: null });
    });

    it('sends a Binary body as raw bytes', async () => {
      const r = await run('binaryBody');
      expect([...r.response!.body!]).toEqual([0, 1, 255]);
      expect(r.response!.headers).toEqual({ 'Content-Type': ['application/octet-stream'] });
    });

    it('rejects an invalid status code as a function error', async () => {
      const r = await run('badStatus');
      expect(r.error).toEqual({
        code: 'FunctionExecutionError',
        message: '{"message":"invalid status code: 99","name":"TypeError"}',
      });
    });
  });

  describe('request object (§2.2)', () => {
    it('gives the body as a BSON.Binary with text(), toBase64(), toHex(), non-ASCII included', async () => {
      const payload = JSON.stringify({ message: 'héllo wörld ✓ 😀' });
      const r = await run('echoBody', {
        request: { method: 'POST', body: new TextEncoder().encode(payload) },
      });
      expect(json(r)).toEqual({
        text: payload,
        b64: Buffer.from(payload).toString('base64'),
        hex: Buffer.from(payload).toString('hex'),
        isBinary: true,
        parsed: { message: 'héllo wörld ✓ 😀' },
        roundTrip: true,
        fromHex: 'é',
        viaEncoder: true,
      });
    });

    it('gives undefined for a request without body, and an empty Binary for an empty one', async () => {
      expect(json(await run('echoBody'))).toEqual({ undefinedBody: true });
      expect(json(await run('echoBody', { request: { body: new Uint8Array(0) } }))).toMatchObject({
        text: '',
        hex: '',
      });
    });
  });

  describe('return values', () => {
    it('awaits returned promises and thenables', async () => {
      expect(json(await run('asyncValue'))).toEqual({ async: true });
      expect(json(await run('thenable'))).toBe('from thenable');
    });

    it('drains a returned cursor, passing sort/skip/limit to the host call', async () => {
      const handler = recordingHandler(() => [{ a: 1 }, { a: 2 }]);
      const r = await run('cursor', { hostCalls: handler });
      expect(json(r)).toEqual([{ a: 1 }, { a: 2 }]);
      expect(handler.calls).toHaveLength(1);
      expect(handler.calls[0].op).toBe('mongodb.find');
      expect(EJSON.parse(handler.calls[0].args, { relaxed: true })).toEqual([
        'mongodb-atlas',
        'shop',
        'items',
        { a: 1 },
        { _id: 0 },
        { sort: { a: -1 }, skip: 1, limit: 2 },
      ]);
    });

    it('drains a promise of a cursor (aggregate)', async () => {
      const handler = recordingHandler(() => [{ total: 3 }]);
      expect(json(await run('promiseOfCursor', { hostCalls: handler }))).toEqual([{ total: 3 }]);
      expect(handler.calls.map((c) => c.op)).toEqual(['mongodb.aggregate']);
      expect(EJSON.parse(handler.calls[0].args)).toEqual([
        'mongodb-atlas',
        'shop',
        'items',
        [{ $match: {} }],
        {},
      ]);
    });

    it('iterates a cursor with next() and hasNext() from one host call', async () => {
      const handler = recordingHandler(() => [{ a: 1 }, { a: 2 }]);
      expect(json(await run('cursorNext', { hostCalls: handler }))).toEqual([{ a: 1 }, true, { a: 2 }, null]);
      expect(handler.calls).toHaveLength(1);
    });
  });

  describe('host calls', () => {
    it('round-trips canonical EJSON both ways', async () => {
      const handler = recordingHandler(() => ({ insertedId: new ObjectId('5ae782e48f25b9dc5c51c4a5') }));
      expect(json(await run('insert', { hostCalls: handler }))).toEqual({
        isObjectId: true,
        hex: '5ae782e48f25b9dc5c51c4a5',
      });
      expect(handler.calls[0].op).toBe('mongodb.insertOne');
      expect(JSON.parse(handler.calls[0].args)).toEqual([
        'mongodb-atlas',
        'shop',
        'items',
        {
          _id: { $oid: '5ae782e48f25b9dc5c51c4a5' },
          at: { $date: { $numberLong: '0' } },
          qty: { $numberInt: '3' },
        },
      ]);
    });

    it('turns a rejected host call into a rejected promise with its message', async () => {
      const handler: HostCallHandler = () => Promise.reject(new Error('duplicate key'));
      expect(json(await run('hostCallFails', { hostCalls: handler }))).toBe('duplicate key');
    });

    it('names admin and database operations, and has no client for unknown services', async () => {
      const handler = recordingHandler((call) => (call.op === 'mongodb.getDBNames' ? ['shop'] : ['items']));
      expect(json(await run('names', { hostCalls: handler }))).toEqual({
        dbs: ['shop'],
        colls: ['items'],
        unknown: true,
      });
      expect(handler.calls.map((c): unknown[] => [c.op, EJSON.parse(c.args)])).toEqual([
        ['mongodb.getDBNames', ['mongodb-atlas']],
        ['mongodb.getCollectionNames', ['mongodb-atlas', 'shop']],
      ]);
    });

    it('maps every collection method to mongodb.<method> with [service, db, collection, ...args]', async () => {
      const handler = recordingHandler(() => null);
      expect(json(await run('manyOps', { hostCalls: handler }))).toBe('done');
      expect(handler.calls.map((c) => c.op)).toEqual([
        'mongodb.findOne',
        'mongodb.findOneAndUpdate',
        'mongodb.findOneAndReplace',
        'mongodb.findOneAndDelete',
        'mongodb.insertMany',
        'mongodb.updateOne',
        'mongodb.updateMany',
        'mongodb.replaceOne',
        'mongodb.deleteOne',
        'mongodb.deleteMany',
        'mongodb.count',
        'mongodb.countDocuments',
        'mongodb.distinct',
        'mongodb.bulkWrite',
      ]);
      expect(EJSON.parse(handler.calls[1].args)).toEqual([
        'mongodb-atlas',
        'shop',
        'items',
        { a: 1 },
        { $set: { b: 2 } },
        { returnNewDocument: true, upsert: true },
      ]);
      expect(EJSON.parse(handler.calls[12].args)).toEqual(['mongodb-atlas', 'shop', 'items', 'a', { b: 1 }]);
    });
  });

  describe('context', () => {
    it('runs other functions, private ones included, in the same invocation context', async () => {
      const r = await run('callsHelper', { request: { method: 'PATCH' } });
      expect(json(r)).toEqual({ sum: 5, method: 'PATCH' });
      expect(r.logs).toEqual(['log: outer', 'log: helper 5']);
    });

    it('throws "function not found" for an unknown function', async () => {
      const r = await run('callsMissing');
      expect(r.error).toEqual({
        code: 'FunctionExecutionError',
        message: '{"message":"function not found: \'nope\'","name":"Error"}',
      });
    });

    it('hands out copies of values and environment, so mutations do not leak', async () => {
      expect(json(await run('values'))).toEqual({
        before: 1,
        again: 1,
        secret: 's3cr3t',
        env: { tag: 'production', values: { DB: 'prod-db' } },
      });
      expect(json(await run('mutateEnv'))).toBe('prod-db');
      expect(json(await run('mutateEnv'))).toBe('prod-db');
    });

    it('exposes user, runningAsSystem, app and request', async () => {
      const user = {
        id: 'key-1',
        type: 'server' as const,
        data: { name: 'ci' },
        custom_data: {},
        identities: [{ id: 'key-1', provider_type: 'api-key' }],
      };
      const r = await run('contextInfo', {
        job: {
          user,
          runAsSystem: false,
          endpoint: { route: '/things', httpMethod: 'POST', respondResult: true },
        },
        request: { method: 'POST', rawQueryString: 'a=1&b=2', remoteIPAddress: '10.1.2.3' },
      });
      expect(json(r)).toEqual({
        user,
        system: false,
        app: {
          id: APP,
          clientAppId: APP,
          name: 'runtime',
          projectId: '',
          deployment: { model: 'LOCAL', providerRegion: 'local' },
          lastDeployed: '2024-01-02T03:04:05.000Z',
        },
        request: {
          remoteIPAddress: '10.1.2.3',
          requestHeaders: { 'User-Agent': ['jest'], Referer: ['http://ref.example/'] },
          webhookUrl: '/things',
          httpMethod: 'POST',
          rawQueryString: 'a=1&b=2',
          httpReferrer: 'http://ref.example/',
          httpUserAgent: 'jest',
          service: '',
          action: '',
        },
      });
      expect(json(await run('contextInfo'))).toMatchObject({ system: true });
    });
  });

  describe('console', () => {
    it('captures each level, non-strings as relaxed EJSON', async () => {
      const r = await run('logs');
      expect(r.logs).toEqual([
        'log: plain 1 {"a":{"$oid":"5ae782e48f25b9dc5c51c4a5"}}',
        'info: info',
        'warn: warn',
        'error: Error: bad',
        'debug: undefined null [1]',
      ]);
    });

    it('caps at 1000 lines and 1 MB, with one truncation line', async () => {
      const flood = await run('flood');
      expect(flood.logs).toHaveLength(1001);
      expect(flood.logs[999]).toBe('log: line 999');
      expect(flood.logs[1000]).toBe('…truncated');
      const big = await run('bigLines');
      expect(big.logs).toHaveLength(4);
      expect(big.logs[3]).toBe('…truncated');
      expect(json(big)).toBe('big');
    });
  });

  describe('errors (§2.5)', () => {
    it('reports a thrown Error as {message, name} JSON and a thrown value as its string', async () => {
      expect((await run('throwsError')).error).toEqual({
        code: 'FunctionExecutionError',
        message: '{"message":"bad input","name":"TypeError"}',
      });
      expect((await run('throwsString')).error).toEqual({
        code: 'FunctionExecutionError',
        message: 'plain string',
      });
      expect((await run('rejects')).error).toEqual({
        code: 'FunctionExecutionError',
        message: '{"message":"later","name":"RangeError"}',
      });
    });

    it('reports a syntax error naming the function, and a non-function export', async () => {
      const r = await run('syntaxError');
      expect(r.error!.code).toBe('FunctionExecutionError');
      expect(JSON.parse(r.error!.message)).toEqual({
        message: expect.stringContaining("in function 'syntaxError'"),
        name: 'SyntaxError',
      });
      expect((await run('notAFunction')).error!.message).toContain(
        "function 'notAFunction' does not export a function",
      );
    });

    it('answers FunctionNotFound for an unknown entry function', async () => {
      expect((await run('missing')).error).toEqual({
        code: 'FunctionNotFound',
        message: "function not found: 'missing'",
      });
    });

    it('never answers with a platform stack trace', async () => {
      for (const fn of ['throwsError', 'syntaxError', 'callsMissing']) {
        expect((await run(fn)).error!.message).not.toMatch(/node_modules|libs\/sandbox|\.ts:/);
      }
    });
  });

  it('keeps concurrent invocations of one app apart (context, console, request)', async () => {
    // A's host call is answered after B has finished, so both are in flight in one context.
    let releaseA!: () => void;
    const gateA = new Promise<void>((resolve) => (releaseA = resolve));
    const handler = recordingHandler(async (call) => {
      const [, , , filter] = EJSON.parse(call.args) as [string, string, string, { n: string }];
      if (filter.n === 'A') await gateA;
      return { n: filter.n };
    });
    const user = (id: string) => ({ id, type: 'normal' as const, data: {}, custom_data: {}, identities: [] });
    const a = run('concurrent', {
      hostCalls: handler,
      job: { user: user('ua') },
      request: { query: { n: 'A' }, rawQueryString: 'n=A' },
    });
    const b = await run('concurrent', {
      hostCalls: handler,
      job: { user: user('ub') },
      request: { query: { n: 'B' }, rawQueryString: 'n=B' },
    });
    releaseA();
    const resultA = await a;
    expect(json(b)).toEqual({ n: 'B', got: 'B', user: 'ub', q: 'n=B' });
    expect(b.logs).toEqual(['log: start B', 'log: end B']);
    expect(json(resultA)).toEqual({ n: 'A', got: 'A', user: 'ua', q: 'n=A' });
    expect(resultA.logs).toEqual(['log: start A', 'log: end A']);
  });

  it('reports cold for the first invocation of a version only', async () => {
    const other = bundleOf('cold-abcde', { hello: FUNCTIONS.hello });
    const first = await pool.run(other, jobOf('cold-abcde', 'hello'), noHostCalls);
    const second = await pool.run(other, jobOf('cold-abcde', 'hello'), noHostCalls);
    expect([first.cold, second.cold]).toEqual([true, false]);
  });
});
