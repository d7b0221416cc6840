import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attemptSource } from '../libs/sandbox/src/escape/testing/escape.fixtures';
import { StandalonePlatform } from './support/standalone';
import { endpoint } from './support/endpoints';

/**
 * A few attempts of the escape suite (libs/sandbox/src/escape) through the real standalone process:
 * a canary in the platform's environment and in a file of its data dir must never come back, and
 * another app keeps answering after each attempt.
 */
describe('escape attempts (standalone, real process)', () => {
  const envCanary = `canary-env-${randomBytes(12).toString('hex')}`;
  const fileCanary = `canary-file-${randomBytes(12).toString('hex')}`;
  const platform = new StandalonePlatform({ PORTICO_ESCAPE_CANARY: envCanary });
  const canaryFile = join(platform.dataDir, 'canary.txt');
  let attacker: string;
  let bystander: string;

  const attempts: Record<string, string> = {
    chains: `function attempt(request, response) {
      __chain("request", request); __chain("response", response); __chain("context", context);
      __chain("services", context.services.get("mongodb-atlas").db("d").collection("c"));
      __chain("console", console); __chain("EJSON", EJSON); __chain("BSON.ObjectId", BSON.ObjectId);
      __try("Function", () => Function("return this")());
      return __report({ process: typeof process, require: typeof require });
    }`,
    stack: `async function attempt() {
      Error.prepareStackTrace = (e, frames) => { for (const f of frames) { try { __chain("fn", f.getFunction()); __chain("this", f.getThis()); } catch (x) {} } return "t"; };
      try { await context.services.get("mongodb-atlas").db("d").collection("c").insertOne({ $bad: 1 }); } catch (e) { e.stack; __chain("dataError", e); }
      delete Error.prepareStackTrace;
      return __report();
    }`,
    recursion: 'function attempt() { (function f() { f(); })(); }',
    stealData: `async function attempt() {
      const c = context.services.get("mongodb-atlas").db("shop").collection("orders");
      return { docs: await c.find({}), found: __found };
    }`,
  };

  beforeAll(async () => {
    writeFileSync(canaryFile, fileCanary);
    await platform.start();
    attacker = await platform.createApp('attacker');
    bystander = await platform.createApp('bystander');
    for (const [name, body] of Object.entries(attempts))
      await platform.putFunction(attacker, name, { run_as_system: true, source: attemptSource(body) });
    await platform.putEndpoints(
      attacker,
      Object.keys(attempts).map((name) => endpoint(`/${name}`, name)),
    );
    await platform.putFunction(bystander, 'hello', {
      run_as_system: true,
      source:
        'exports = async function () { await context.services.get("mongodb-atlas").db("shop").collection("orders").insertOne({ secret: "bystander-order" }); return "hello"; };',
    });
    await platform.putEndpoints(bystander, [endpoint('/hello', 'hello')]);
  }, 60_000);

  afterAll(async () => {
    await platform.stop();
  });

  const call = (name: string) => platform.call(attacker, `/${name}?canary=${encodeURIComponent(canaryFile)}`);

  async function expectBystanderAnswers(): Promise<void> {
    const res = await platform.call(bystander, '/hello');
    expect(res.status).toBe(200);
    expect(res.json).toBe('hello');
  }

  function expectNoCanary(text: string): void {
    expect(text).not.toContain(envCanary);
    expect(text).not.toContain(fileCanary);
  }

  it.each(['chains', 'stack'])(
    'the %s attempt reaches nothing of the host',
    async (name) => {
      const res = await call(name);
      expectNoCanary(res.text);
      expect(res.status).toBe(200);
      expect(res.json.found).toEqual([]);
      await expectBystanderAnswers();
    },
    30_000,
  );

  it('deep recursion is a FunctionExecutionError and the platform keeps serving', async () => {
    const res = await call('recursion');
    expectNoCanary(res.text);
    expect(res.json.error_code).toBe('FunctionExecutionError');
    await expectBystanderAnswers();
  }, 30_000);

  it("an app sees none of another app's documents under the same names", async () => {
    await expectBystanderAnswers();
    const res = await call('stealData');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('bystander-order');
    expect(res.json).toEqual({ docs: [], found: [] });
  }, 30_000);

  it('no canary reached the invocation log', async () => {
    const logs = await platform.waitForLogs(attacker, (l) => l.length >= 4);
    expectNoCanary(JSON.stringify(logs));
  }, 30_000);
});
