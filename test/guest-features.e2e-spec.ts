import { createHmac } from 'node:crypto';
import { StandalonePlatform } from './support/standalone';

/**
 * Issue #5 items 2, 4 and 7 through the real standalone process: `utils.crypto` / `utils.jwt`,
 * the pure built-ins behind `require`, and the four run modes (System, User Id, Script, and the
 * callee's own mode under `context.functions.execute`). npm dependencies reach `require` through
 * the importer (functions/node_modules); their resolution is covered by the sandbox specs.
 */
describe('guest runtime features (standalone, real process)', () => {
  const platform = new StandalonePlatform();
  let appId: string;
  const endpoint = (route: string, functionName: string, extra: Record<string, unknown> = {}) => ({
    route,
    http_method: 'GET',
    function_name: functionName,
    validation_method: 'NO_VALIDATION',
    respond_result: true,
    return_type: 'JSON',
    ...extra,
  });

  beforeAll(async () => {
    await platform.start();
    appId = await platform.createApp('guest-e2e');
    await platform.putFunction(appId, 'crypto', {
      run_as_system: true,
      source: `exports = () => {
        const sealed = utils.crypto.encrypt("aes", "MongoDB is great!", "603082712271C525E087BD999A4E0738");
        const token = utils.jwt.encode("HS256", { sub: "u1" }, "jwt-secret");
        return {
          hmac: utils.crypto.hmac("hello!", "super-secret", "sha256", "base64"),
          hash: utils.crypto.hash("sha256", "hello!").toBase64(),
          roundTrip: utils.crypto.decrypt("aes", sealed, "603082712271C525E087BD999A4E0738").text(),
          claims: utils.jwt.decode(token, "jwt-secret"),
          nodeHmac: require("crypto").createHmac("sha256", "k").update("body").digest("hex"),
          path: require("path").posix.join("/a", "../b"),
          buffer: Buffer.from("portico").toString("base64"),
        };
      }`,
    });
    await platform.putFunction(appId, 'forbidden', {
      run_as_system: true,
      source: `exports = () => require("child_process").execSync("id").toString();`,
    });
    await platform.putFunction(appId, 'whoami', {
      run_as_user_id_script_source: `exports = (request) => {
        const ticket = request.query.ticket;
        if (ticket === "admin") return { runAsSystem: true };
        if (ticket) return "user-" + ticket;
        throw new Error("no ticket");
      };`,
      source: `exports = () => ({ id: context.user.id, type: context.user.type, system: context.runningAsSystem(),
        helper: context.functions.execute("systemHelper"), inherited: context.functions.execute("plainHelper") });`,
    });
    await platform.putFunction(appId, 'systemHelper', {
      private: true,
      run_as_system: true,
      source: 'exports = () => ({ id: context.user.id, system: context.runningAsSystem() });',
    });
    await platform.putFunction(appId, 'plainHelper', {
      private: true,
      source: 'exports = () => ({ id: context.user.id, system: context.runningAsSystem() });',
    });
    // A script with a side effect (one document per run), behind a rule on the user it names.
    await platform.putFunction(appId, 'ruled', {
      run_as_user_id_script_source: `exports = async ({ query }) => {
        await context.services.get("mongodb-atlas").db("audit").collection("scripts").insertOne({ t: query.ticket });
        return "user-" + query.ticket;
      };`,
      source: 'exports = () => ({ id: context.user.id })',
    });
    await platform.putFunction(appId, 'scriptRuns', {
      run_as_system: true,
      source:
        'exports = () => context.services.get("mongodb-atlas").db("audit").collection("scripts").count({})',
    });
    await platform.putEndpoints(appId, [
      endpoint('/crypto', 'crypto'),
      endpoint('/forbidden', 'forbidden'),
      endpoint('/whoami', 'whoami'),
      endpoint('/ruled', 'ruled', { can_evaluate: { '%%user.id': 'user-42' } }),
      endpoint('/scriptRuns', 'scriptRuns'),
    ]);
  }, 30_000);

  afterAll(async () => {
    await platform.stop();
  });

  it('utils.crypto matches the docs vectors; utils.jwt, crypto, path and Buffer work', async () => {
    const res = await platform.call(appId, '/crypto');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      hmac: 'SUXd6PRMaTXXgBGaGsIHzaDWgTSa6C3D44lRGrvRak0=',
      hash: 'zgYJL7lI2f+sfRo3bkBLJrdXW8wR7gWkYV/vT+w6MIs=',
      roundTrip: 'MongoDB is great!',
      claims: { sub: 'u1' },
      nodeHmac: createHmac('sha256', 'k').update('body').digest('hex'),
      path: '/b',
      buffer: Buffer.from('portico').toString('base64'),
    });
  });

  it('a built-in that is not pure computation fails with an error naming it', async () => {
    const res = await platform.call(appId, '/forbidden');
    expect(res.status).toBe(400);
    expect(res.json.error_code).toBe('FunctionExecutionError');
    expect(res.json.error).toContain('module \\"child_process\\" is not available in Portico functions');
  });

  it('script run mode: no credentials needed; the script names the user or makes it a system call', async () => {
    const user = await platform.call(appId, '/whoami?ticket=42');
    expect(user.status).toBe(200);
    expect(user.json).toEqual({
      id: 'user-42',
      type: 'normal',
      system: false,
      helper: { id: 'system', system: true },
      inherited: { id: 'user-42', system: false },
    });
    const admin = await platform.call(appId, '/whoami?ticket=admin');
    expect(admin.json).toMatchObject({ id: 'system', type: 'system', system: true });
  });

  it("script run mode: can_evaluate sees the script's user, and the script runs once per request", async () => {
    const allowed = await platform.call(appId, '/ruled?ticket=42');
    expect(allowed.status).toBe(200);
    expect(allowed.json).toEqual({ id: 'user-42' });
    const denied = await platform.call(appId, '/ruled?ticket=7');
    expect(denied.status).toBe(401);
    expect(denied.json.error_code).toBe('NoMatchingRule');
    expect((await platform.call(appId, '/scriptRuns')).json).toBe(2);
  });

  it('script run mode: a script that names nobody answers 401 InvalidSession, logged', async () => {
    const res = await platform.call(appId, '/whoami');
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({
      error: 'invalid session: error finding user for endpoint',
      error_code: 'InvalidSession',
    });
    // The previous test left a 401 NoMatchingRule entry: pick this request's InvalidSession one.
    type Entry = { error?: { code: string }; logs: string[] };
    const isThis = (e: Entry) => e.error?.code === 'InvalidSession';
    const logs = (await platform.waitForLogs(appId, (entries) => entries.some(isThis))) as Entry[];
    const entry = logs.find(isThis) as Entry;
    expect(entry.logs.join('\n')).toContain('no ticket');
  });
});
