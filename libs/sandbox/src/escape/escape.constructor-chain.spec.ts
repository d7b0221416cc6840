import { SANDBOX_ENGINES } from '../engine/sandbox-engine.port';
import type { HostCallHandler } from '../sandbox.port';
import {
  useEscapePool,
  expectContained,
  expectStillServing,
  reportOf,
  runAttempt,
} from './testing/escape.fixtures';

/**
 * Constructor-chain escapes (vm2 docs/ATTACKS.md "constructor" family, e.g. GHSA-cchq-frgv-rjh5):
 * from every object the guest can touch, walk `constructor.constructor`, `__proto__` and each method's
 * `constructor` looking for the host realm's `Function`. With a separate isolate all of them must
 * yield only the guest realm: `process`/`require` undefined, no suite.canary.
 */

/** A data host call that always refuses, so the guest gets a rejected operation's error object. */
const refusing: HostCallHandler = () => Promise.reject(new Error('refused by host'));
/** A data host call that answers, so the guest gets documents parsed from host-made EJSON. */
const answering: HostCallHandler = () => Promise.resolve('[{"_id":{"$oid":"65a1b2c3d4e5f60718293a4b"}}]');

describe.each(SANDBOX_ENGINES)('escape suite [%s]: constructor chains', (engine) => {
  const suite = useEscapePool(engine);

  it.each([
    ['request', '__chain("request", request);'],
    [
      'request.body (BSON.Binary)',
      '__chain("body", request.body); __chain("bodyBuffer", request.body.buffer);',
    ],
    [
      'request.headers and request.query',
      '__chain("headers", request.headers); __chain("query", request.query);',
    ],
    ['response and its setters', '__chain("response", response); __chain("setBody", response.setBody);'],
    ['context', '__chain("context", context); __chain("runningAsSystem", context.runningAsSystem);'],
    ['context.values', '__chain("values", context.values); __chain("values.get", context.values.get);'],
    [
      'context.functions',
      '__chain("functions", context.functions); __chain("execute", context.functions.execute);',
    ],
    [
      'context.request, user, environment and app',
      '__chain("ctxRequest", context.request); __chain("user", context.user); __chain("environment", context.environment); __chain("app", context.app);',
    ],
    [
      'services, db, collection and cursor',
      `const svc = context.services.get("mongodb-atlas"); const db = svc.db("d"); const coll = db.collection("c");
       __chain("services", context.services); __chain("service", svc); __chain("db", db); __chain("collection", coll);
       __chain("cursor", coll.find({})); __chain("admin", svc.admin());`,
    ],
    ['console and its methods', '__chain("console", console); __chain("console.log", console.log);'],
    ['EJSON', '__chain("EJSON", EJSON); __chain("EJSON.parse", EJSON.parse);'],
    [
      'BSON classes and instances',
      `for (const k of Object.getOwnPropertyNames(BSON)) __chain("BSON." + k, BSON[k]);
       __chain("oid", new BSON.ObjectId()); __chain("long", BSON.Long.fromNumber(1)); __chain("dec", BSON.Decimal128.fromString("1.5"));`,
    ],
    [
      'TextEncoder, TextDecoder, atob, btoa',
      '__chain("te", new TextEncoder()); __chain("td", new TextDecoder()); __chain("atob", atob); __chain("btoa", btoa);',
    ],
    ['this of the exported function', '__chain("this", this);'],
  ])(
    'gets nothing of the host from %s',
    async (_, walk) => {
      const r = await runAttempt(
        suite.pool,
        suite.canary,
        'chain-abcde',
        `function attempt(request, response) { ${walk} return __report(); }`,
        { body: new TextEncoder().encode('{"x":1}') },
      );
      expectContained(r, suite.canary);
      await expectStillServing(suite.pool);
    },
    30_000,
  );

  it("gets nothing of the host from a rejected data operation's error object", async () => {
    const r = await runAttempt(
      suite.pool,
      suite.canary,
      'chain-abcde',
      `async function attempt(request) {
        let err;
        try { await context.services.get("mongodb-atlas").db("d").collection("c").insertOne({ a: 1 }); }
        catch (e) { err = e; }
        __chain("hostError", err);
        __try("hostError.stack", () => err.stack && err.stack.constructor.constructor("return this")());
        return __report({ message: err && err.message, sameRealm: err instanceof Error });
      }`,
      { hostCalls: refusing },
    );
    expectContained(r, suite.canary);
    expect(reportOf(r)).toMatchObject({ message: 'refused by host', sameRealm: true });
    await expectStillServing(suite.pool);
  }, 30_000);

  it('gets nothing of the host from documents a data operation returned', async () => {
    const r = await runAttempt(
      suite.pool,
      suite.canary,
      'chain-abcde',
      `async function attempt() {
        const docs = await context.services.get("mongodb-atlas").db("d").collection("c").find({});
        __chain("docs", docs); __chain("doc", docs[0]); __chain("oid", docs[0]._id);
        return __report({ n: docs.length });
      }`,
      { hostCalls: answering },
    );
    expectContained(r, suite.canary);
    expect(reportOf(r)?.n).toBe(1);
    await expectStillServing(suite.pool);
  }, 30_000);
});
