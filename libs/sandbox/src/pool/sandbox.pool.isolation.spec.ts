import { SANDBOX_ENGINES } from '../engine/sandbox-engine.port';
import { readFileSync } from 'node:fs';
import {
  GUEST_RUNTIME_GLOBALS,
  bundleOf,
  jobOf,
  memoryLogger,
  noHostCalls,
  nonStandardGlobals,
  text,
} from '../testing/sandbox.fixtures';
import { SandboxPool } from './sandbox.pool';

const PROBE = `exports = function (request, response) {
  const attempt = (f) => { try { const v = f(); return v === undefined ? "undefined" : typeof v; } catch (e) { return "threw " + e.name; } };
  const self = this;
  return {
    viaThis: attempt(() => self.constructor.constructor("return process")()),
    viaContext: attempt(() => context.constructor.constructor("return process")()),
    viaResponse: attempt(() => response.setBody.constructor("return process")()),
    viaRequest: attempt(() => request.constructor.constructor("return require")()),
    viaFunctions: attempt(() => context.functions.execute.constructor("return process")()),
    globalFromFunction: attempt(() => Function("return globalThis")().process),
    require: typeof require,
    globalRequire: typeof Function("return globalThis")().require,
    globals: Object.getOwnPropertyNames(Function("return globalThis")()),
  };
};`;

describe.each(SANDBOX_ENGINES)('SandboxPool [%s]: what guest code can reach', (engine) => {
  const pool = new SandboxPool({
    engine,
    maxProcesses: 3,
    maxProcessesPerApp: 1,
    logger: memoryLogger(),
  });
  afterAll(() => pool.close());

  it('gets nothing of the host through constructors, and no bridge on the global object', async () => {
    const r = await pool.run(
      bundleOf('probe-abcde', { probe: PROBE }),
      jobOf('probe-abcde', 'probe'),
      noHostCalls,
    );
    const seen = JSON.parse(text(r.response?.body)) as Record<string, unknown> & { globals: string[] };
    expect(seen).toMatchObject({
      viaThis: 'threw ReferenceError',
      viaContext: 'threw ReferenceError',
      viaResponse: 'threw ReferenceError',
      viaRequest: 'threw ReferenceError',
      viaFunctions: 'threw ReferenceError',
      globalFromFunction: 'undefined',
      // The guest's own CommonJS require (a function parameter, never a global): see sandbox.pool.require.spec.ts.
      require: 'function',
      globalRequire: 'undefined',
    });
    // Everything beyond plain ECMAScript is what the runtime means to give: BSON, EJSON, the text
    // codecs, utils and the guest-realm Buffer.
    expect(nonStandardGlobals(seen.globals)).toEqual([...GUEST_RUNTIME_GLOBALS]);
  }, 30_000);

  it('starts hosts with an empty environment', async () => {
    const r = await pool.run(
      bundleOf('env-abcde', { hello: 'exports = () => 1;' }),
      jobOf('env-abcde', 'hello'),
      noHostCalls,
    );
    expect(r.error).toBeUndefined();
    const pid = pool.hosts().find((h) => h.appId === 'env-abcde')!.pid;
    expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).toBe('');
  }, 30_000);

  it('keeps apps apart: a global set by one app is not visible to another', async () => {
    const setter = bundleOf('a-abcde', {
      set: 'exports = function () { globalThis.leak = "from a"; return typeof globalThis.leak; };',
    });
    const getter = bundleOf('b-abcde', { get: 'exports = function () { return typeof globalThis.leak; };' });
    const set = await pool.run(setter, jobOf('a-abcde', 'set'), noHostCalls);
    expect(set.error).toBeUndefined();
    expect(text(set.response?.body)).toBe('"string"');
    expect(text((await pool.run(getter, jobOf('b-abcde', 'get'), noHostCalls)).response?.body)).toBe(
      '"undefined"',
    );
    const hosts = pool.hosts();
    expect(hosts.find((h) => h.appId === 'a-abcde')!.pid).not.toBe(
      hosts.find((h) => h.appId === 'b-abcde')!.pid,
    );
  }, 30_000);
});
