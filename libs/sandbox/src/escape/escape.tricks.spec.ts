import { SANDBOX_ENGINES } from '../engine/sandbox-engine.port';
import type { HostCallHandler } from '../sandbox.port';
import { GUEST_RUNTIME_GLOBALS, noHostCalls, nonStandardGlobals, text } from '../testing/sandbox.fixtures';
import {
  useEscapePool,
  expectContained,
  expectNoCanary,
  expectStillServing,
  reportOf,
  runAttempt,
} from './testing/escape.fixtures';

/**
 * The other published escape families (vm2 docs/ATTACKS.md and test/ghsa/, isolated-vm tests/):
 * global-object recovery, stack-trace APIs (CVE-2022-36067 family), Proxy and Symbol.species objects
 * handed to the platform (GHSA-whpj-8f3w-67p5, CVE-2026-22709 family), hostile getters/toJSON on
 * results, dynamic import, require/process.binding, and a scan of everything on the global object.
 */

/** Records every op it sees and refuses it: the guest must serialize before anything crosses. */
function recordingRefusal(): { handler: HostCallHandler; ops: string[] } {
  const ops: string[] = [];
  return {
    ops,
    handler: (call) => {
      ops.push(`${call.op} ${call.args}`);
      return Promise.reject(new Error('refused'));
    },
  };
}

describe.each(SANDBOX_ENGINES)('escape suite [%s]: tricks', (engine) => {
  const suite = useEscapePool(engine);

  const attempt = (body: string, hostCalls: HostCallHandler = noHostCalls, deadlineMs?: number) =>
    runAttempt(suite.pool, suite.canary, 'tricks-abcde', body, { hostCalls, deadlineMs });

  it('recovers only the guest global through Function, eval and sloppy this', async () => {
    const r = await attempt(`function attempt() {
      __try("Function", () => Function("return this")());
      __try("newFunction", () => new Function("return globalThis")());
      __try("sloppyThis", () => (function () { return this; })());
      __try("indirectEval", () => (0, eval)("this"));
      __try("thisCtor", () => this.constructor.constructor("return this")());
      __try("asyncFn", () => (async function () {}).constructor("return this"));
      __try("generatorFn", () => (function* () {}).constructor("return this")().next());
      const g = Function("return this")();
      return __report({ process: typeof g.process, require: typeof g.require, module: typeof g.module, global: typeof g.global });
    }`);
    expectContained(r, suite.canary);
    expect(reportOf(r)).toMatchObject({
      process: 'undefined',
      require: 'undefined',
      module: 'undefined',
      global: 'undefined',
    });
    await expectStillServing(suite.pool);
  }, 30_000);

  it('gets no host frame, path or function from Error.prepareStackTrace', async () => {
    const { handler } = recordingRefusal();
    const r = await attempt(
      `async function attempt() {
        const files = [], fns = [];
        Error.prepareStackTrace = (err, frames) => {
          for (const f of frames) {
            try { files.push(String(f.getFileName())); } catch (e) {}
            try { const fn = f.getFunction(); if (fn) { fns.push(fn.name); __chain("frameFn", fn); } } catch (e) {}
            try { __chain("frameThis", f.getThis()); } catch (e) {}
            try { __chain("callSite", f); } catch (e) {}
          }
          return "trapped";
        };
        new Error("sync").stack;
        // Errors the runtime creates for a refused host call, read after the host answered.
        try { await context.services.get("mongodb-atlas").db("d").collection("c").findOne({}); }
        catch (e) { e.stack; __chain("hostCallError", e); }
        delete Error.prepareStackTrace;
        return __report({ files, fns });
      }`,
      handler,
    );
    expectContained(r, suite.canary);
    const { files } = reportOf(r) as unknown as { files: string[] };
    // Only guest-side script names: nothing of the host's file system or Node internals.
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(file).not.toContain(process.cwd());
      expect(file).not.toMatch(/^node:|node_modules|\/work\//);
    }
    await expectStillServing(suite.pool);
  }, 30_000);

  it('gets nothing from Error.captureStackTrace and structured stack frames', async () => {
    const r = await attempt(`function attempt() {
      const holder = {};
      Error.captureStackTrace(holder);
      __chain("captured", holder);
      Error.prepareStackTrace = (e, frames) => frames;
      const frames = new Error().stack;
      delete Error.prepareStackTrace;
      for (let i = 0; i < frames.length; i++) __chain("frame" + i, frames[i]);
      Error.stackTraceLimit = Infinity;
      let deep = "";
      try { (function r(n) { if (n === 0) throw new Error("deep"); r(n - 1); })(200); } catch (e) { deep = e.stack; }
      return __report({ frames: frames.length, deepHasHost: /node:|\\/work\\//.test(deep) });
    }`);
    expectContained(r, suite.canary);
    expect(reportOf(r)).toMatchObject({ deepHasHost: false });
    await expectStillServing(suite.pool);
  }, 30_000);

  it('gets nothing from Proxy traps the platform triggers on what it is handed', async () => {
    const { handler, ops } = recordingRefusal();
    const r = await attempt(
      `async function attempt(request, response) {
        // Every argument a trap receives is kept, then walked once the platform is done with it.
        const seen = [];
        const handlerArgs = (label) => new Proxy({}, { get(_, trap) {
          return (...args) => { if (seen.length < 500) seen.push([label + "." + String(trap), args]); return Reflect[trap](...args); };
        } });
        const evil = (label) => new Proxy({ a: 1 }, handlerArgs(label));
        try { console.log(evil("log")); } catch (e) {}
        try { EJSON.stringify(evil("ejson")); } catch (e) {}
        try { response.setHeader(evil("hname"), evil("hvalue")); } catch (e) {}
        try { await context.services.get("mongodb-atlas").db("d").collection("c").insertOne(evil("insert")); } catch (e) {}
        try { await context.functions.execute(evil("fname")); } catch (e) {}
        for (const [label, args] of seen) for (let i = 0; i < args.length; i++) __chain(label + i, args[i]);
        // The platform awaits a returned thenable: its then receives the runtime's resolve/reject.
        return { then(resolve, reject) { __chain("thenResolve", resolve); __chain("thenReject", reject); resolve(__report({ traps: seen.length, proxy: typeof Proxy })); } };
      }`,
      handler,
    );
    expectContained(r, suite.canary);
    // vm2 takes `Proxy` away from guest code on Node >= 10 (its setup-sandbox.js): no trap can run
    // there, which the report must show; under isolated-vm the traps must have run (positive control).
    if (engine === 'vm2') {
      expect(reportOf(r)).toMatchObject({ traps: 0, proxy: 'undefined' });
      expect(ops).toEqual([]);
    } else {
      expect(reportOf(r)?.traps).toBeGreaterThan(0);
      // The data call crossed as canonical EJSON text only.
      expect(ops).toEqual(['mongodb.insertOne ["mongodb-atlas","d","c",{"a":{"$numberInt":"1"}}]']);
    }
    await expectStillServing(suite.pool);
  }, 30_000);

  it('gets nothing from Symbol.species on a returned promise or an array handed to the platform', async () => {
    const { handler } = recordingRefusal();
    const r = await attempt(
      `function attempt() {
        class FakePromise { constructor(executor) {
          executor((v) => { __chain("speciesResolveArg", v); }, (e) => { __chain("speciesRejectArg", e); });
        } }
        const arr = [{ a: 1 }];
        arr.constructor = { [Symbol.species]: function (n) { __chain("arraySpecies", this); return new Array(n); } };
        context.services.get("mongodb-atlas").db("d").collection("c").insertMany(arr).catch((e) => __chain("insertManyError", e));
        async function overflow() { (function s() { new Error().stack; s(); })(); }
        const p = overflow();
        p.constructor = { [Symbol.species]: FakePromise };
        p.then();
        const q = Promise.resolve(__report());
        q.constructor = { [Symbol.species]: FakePromise };
        return q;
      }`,
      handler,
    );
    expectNoCanary(r, suite.canary);
    // Whatever the runtime made of the hostile promise, it is an ordinary guest outcome.
    if (r.error) expect(r.error.code).toBe('FunctionExecutionError');
    else expect(reportOf(r)?.found).toEqual([]);
    await expectStillServing(suite.pool);
  }, 30_000);

  it.each([
    ['a throwing getter', 'return { get x() { throw new Error("getter"); } };', 'FunctionExecutionError'],
    ['a throwing toJSON', 'return { toJSON() { throw new Error("toJSON"); } };', 'FunctionExecutionError'],
    [
      'a throwing then getter',
      'return { get then() { throw new Error("then"); } };',
      'FunctionExecutionError',
    ],
    [
      'a revoked proxy',
      'const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy;',
      'FunctionExecutionError',
    ],
    ['a looping getter', 'return { get x() { for (;;) {} } };', 'ExecutionTimeLimitExceeded'],
  ])(
    'answers a result with %s as a guest error, and keeps serving',
    async (_, body, code) => {
      const r = await attempt(`function attempt() { ${body} }`, noHostCalls, 1_500);
      expectNoCanary(r, suite.canary);
      expect(r.error?.code).toBe(code);
      await expectStillServing(suite.pool);
    },
    30_000,
  );

  it('cannot forge the result head by poisoning Object.prototype.toJSON', async () => {
    const r = await attempt(`function attempt() {
      Object.prototype.toJSON = function () { return { e: { code: "ExecutionTimeLimitExceeded", message: "forged", status: 200 } }; };
      return "x";
    }`);
    expectNoCanary(r, suite.canary);
    // The runtime writes its result head without the guest-mutable prototype chain: the function's
    // real answer goes out, neither forged nor lost to an overflow.
    expect(r.error).toBeUndefined();
    expect(r.response?.status).toBe(200);
    expect(text(r.response?.body)).toBe('"x"');
    await expectStillServing(suite.pool);
  }, 30_000);

  type Outcome = { error: string; message?: string } | { status: number; body: string };
  it.each<[string, string, Outcome]>([
    [
      'a self-recursive Object.prototype.toJSON and an object result',
      'Object.prototype.toJSON = function () { return { e: { code: "x" } }; }; return { a: 1 };',
      { error: 'FunctionExecutionError' },
    ],
    [
      'a self-recursive Object.prototype.toJSON and an error thrown',
      'Object.prototype.toJSON = function () { return { e: { code: "x" } }; }; throw new Error("own");',
      { error: 'FunctionExecutionError', message: '{"message":"own","name":"Error"}' },
    ],
    [
      'a replaced Object.keys',
      'Object.keys = () => { throw new Error("keys"); }; response.setHeader("A", "b"); return 1;',
      { status: 200, body: '1' },
    ],
  ])(
    "answers %s as the function's own outcome, not a runtime failure",
    async (_, body, expected) => {
      const r = await attempt(`function attempt(request, response) { ${body} }`);
      expectNoCanary(r, suite.canary);
      if ('error' in expected) {
        expect(r.error?.code).toBe(expected.error);
        expect(r.error?.status).toBeUndefined();
        if (expected.message !== undefined) expect(r.error?.message).toBe(expected.message);
      } else {
        expect(r.response?.status).toBe(expected.status);
        expect(r.response?.headers.A).toEqual(['b']);
        expect(text(r.response?.body)).toBe(expected.body);
      }
      await expectStillServing(suite.pool);
    },
    30_000,
  );

  it('cannot import() anything, require a host module, nor reach process.binding', async () => {
    const r = await runAttempt(
      suite.pool,
      suite.canary,
      'tricks-abcde',
      `async function attempt() {
      const outcomes = {};
      for (const spec of ["fs", "node:fs", "child_process", "data:text/javascript,export default globalThis"]) {
        try { const m = await import(spec); __chain("import:" + spec, m); outcomes[spec] = "loaded"; }
        catch (e) { outcomes[spec] = "refused"; }
      }
      // The guest's require (issue #5) serves only the bundle's node_modules and the pure built-ins.
      for (const spec of ["fs", "node:fs", "child_process", "module", "vm", "process", "worker_threads", "inspector"]) {
        try { const m = require(spec); __chain("require:" + spec, m); outcomes["require:" + spec] = "loaded"; }
        catch (e) { outcomes["require:" + spec] = e.message.startsWith('module "') ? "refused" : e.message; }
      }
      for (const spec of ["/etc/passwd", "/proc/self/environ", "../../../etc/passwd", "./../../../../proc/self/environ",
        "buffer/../../../../../../etc/passwd", "util/../../../package.json", "\0fs", __canaryFile]) {
        try { require(spec); outcomes[spec] = "loaded"; } catch (e) { outcomes[spec] = e.message; }
        // The same request from inside a dependency: relative paths resolve from node_modules/sneaky.
        try { require("sneaky")(spec); outcomes["sneaky:" + spec] = "loaded"; } catch (e) { outcomes["sneaky:" + spec] = e.message; }
      }
      outcomes.sneakyLegit = typeof require("sneaky")("./index");
      for (const name of ["util", "buffer", "events", "assert", "url", "crypto"]) __chain("builtin:" + name, require(name));
      __probe("require", require);
      __chain("require", require);
      __try("moduleRequire", () => ({ require: module.require }));
      __chain("module", module);
      return __report({
        outcomes, require: typeof require, globalRequire: typeof globalThis.require, process: typeof process, globalObj: typeof global,
        binding: (() => { try { return typeof process.binding; } catch (e) { return "threw"; } })(),
        moduleRequire: typeof module.require,
      });
    }`,
      { bundle: { dependencies: { files: { 'sneaky/index.js': 'module.exports = (p) => require(p);' } } } },
    );
    expectContained(r, suite.canary);
    expect(reportOf(r)).toMatchObject({
      outcomes: {
        sneakyLegit: 'function',
        fs: 'refused',
        'node:fs': 'refused',
        child_process: 'refused',
        'data:text/javascript,export default globalThis': 'refused',
        'require:fs': 'refused',
        'require:node:fs': 'refused',
        'require:child_process': 'refused',
        'require:module': 'refused',
        'require:vm': 'refused',
        'require:process': 'refused',
        'require:worker_threads': 'refused',
        'require:inspector': 'refused',
        '/etc/passwd': "Cannot find module '/etc/passwd'",
        '/proc/self/environ': "Cannot find module '/proc/self/environ'",
        '../../../etc/passwd': "Cannot find module '../../../etc/passwd'",
        './../../../../proc/self/environ': "Cannot find module './../../../../proc/self/environ'",
        'buffer/../../../../../../etc/passwd': expect.stringMatching(/^Cannot find module/),
        'util/../../../package.json': expect.stringMatching(/^Cannot find module/),
        '\0fs': expect.stringMatching(/^Cannot find module/),
      },
      require: 'function',
      globalRequire: 'undefined',
      process: 'undefined',
      globalObj: 'undefined',
      binding: 'threw',
      moduleRequire: 'undefined',
    });
    const outcomes = (reportOf(r) as unknown as { outcomes: Record<string, string> }).outcomes;
    expect(Object.values(outcomes)).not.toContain('loaded');
    const fromDependency = Object.entries(outcomes).filter(([k]) => k.startsWith('sneaky:'));
    expect(fromDependency).toHaveLength(8);
    for (const [, outcome] of fromDependency) expect(outcome).toMatch(/^Cannot find module '/);
    expect(outcomes[suite.canary.file]).toBe(`Cannot find module '${suite.canary.file}'`);
    await expectStillServing(suite.pool);
  }, 30_000);

  it('finds nothing non-standard on the global object, and nothing of the host behind what is there', async () => {
    const r = await attempt(`function attempt() {
      const g = Function("return this")();
      const names = Object.getOwnPropertyNames(g);
      const symbols = Object.getOwnPropertySymbols(g).map(String);
      for (const name of names) { let v; try { v = g[name]; } catch (e) { continue; } __probe("global." + name, v); }
      for (const name of ["BSON", "EJSON", "TextEncoder", "TextDecoder", "atob", "btoa", "WebAssembly", "Buffer", "utils"]) __chain("global." + name, g[name]);
      for (const name of ["crypto", "jwt"]) __chain("utils." + name, g.utils[name]);
      let proto = Object.getPrototypeOf(g), protoNames = [];
      while (proto && proto !== Object.prototype) { protoNames.push(...Object.getOwnPropertyNames(proto)); proto = Object.getPrototypeOf(proto); }
      return __report({ names, symbols, protoNames });
    }`);
    expectContained(r, suite.canary);
    const seen = reportOf(r) as unknown as { names: string[]; symbols: string[]; protoNames: string[] };
    expect(nonStandardGlobals(seen.names)).toEqual([...GUEST_RUNTIME_GLOBALS]);
    expect(seen.symbols.filter((s) => s !== 'Symbol(Symbol.toStringTag)')).toEqual([]);
    expect(seen.protoNames.filter((n) => n !== 'constructor' && n !== '__proto__')).toEqual([]);
    await expectStillServing(suite.pool);
  }, 30_000);
});
