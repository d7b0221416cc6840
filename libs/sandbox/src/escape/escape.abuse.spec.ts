import { SANDBOX_ENGINES } from '../engine/sandbox-engine.port';
import { SandboxPool } from '../pool/sandbox.pool';
import { bundleOf, jobOf, memoryLogger, noHostCalls, text } from '../testing/sandbox.fixtures';
import {
  escapePool,
  expectNoCanary,
  expectStillServing,
  plantCanary,
  runAttempt,
  type Canary,
} from './testing/escape.fixtures';

/**
 * Abuse rather than escape: starving the host (loops, memory, stack, output size) or leaving work
 * behind (late rejections and throws). Each ends as a guest-visible failure of its own invocation,
 * and the pool keeps answering other apps.
 */

const limits = (timeout_ms: number, memory_mb = 64) => ({
  limits: { timeout_ms, memory_mb, max_request_bytes: 1024 },
});

describe.each(SANDBOX_ENGINES)('escape suite [%s]: abuse', (engine) => {
  let canary: Canary;
  let pool: SandboxPool;
  beforeAll(() => {
    canary = plantCanary();
    pool = escapePool(engine);
  });
  afterAll(async () => {
    await pool.close();
    canary.dispose();
  });

  it.each([
    ['a synchronous infinite loop', 'function attempt() { for (;;) {} }'],
    ['an asynchronous infinite loop', 'async function attempt() { for (;;) await null; }'],
    [
      'an infinite microtask chain left running after returning',
      'function attempt() { (async () => { for (;;) await null; })(); return "returned"; }',
    ],
  ])(
    'stops %s with ExecutionTimeLimitExceeded',
    async (_, body) => {
      const r = await runAttempt(pool, canary, 'loop-abcde', body, { bundle: limits(800) });
      expectNoCanary(r, canary);
      expect(r.error?.code).toBe('ExecutionTimeLimitExceeded');
      await expectStillServing(pool);
    },
    30_000,
  );

  it.each([
    ['strings', 'let s = "x"; for (;;) s = s + s + String(Math.random());'],
    ['arrays', 'const a = []; for (;;) a.push(new Array(1e6).fill(1.5));'],
    ['typed arrays', 'const a = []; for (;;) a.push(new Float64Array(1e6).fill(1.5));'],
    ['objects in a Map', 'const m = new Map(); for (let i = 0; ; i++) m.set(i, { i, s: "v" + i });'],
  ])(
    'stops a memory bomb of %s with a limit error',
    async (_, loop) => {
      const r = await runAttempt(pool, canary, 'bomb-abcde', `function attempt() { ${loop} }`, {
        bundle: limits(20_000, 32),
      });
      expectNoCanary(r, canary);
      // V8 refuses one oversized string with a RangeError before the heap limit is reached; either is contained.
      expect(['MemoryLimitExceeded', 'FunctionExecutionError']).toContain(r.error?.code);
      await expectStillServing(pool);
    },
    30_000,
  );

  it.each([
    ['plain recursion', 'function attempt() { (function f() { f(); })(); }'],
    [
      'recursion through a getter',
      'function attempt() { const o = { get x() { return this.x; } }; return o.x; }',
    ],
    [
      'recursion inside the platform rendering a deeply nested result',
      'function attempt() { let v = {}; for (let i = 0; i < 1e6; i++) v = { v }; return v; }',
    ],
    [
      'recursion through toString in console.log',
      'function attempt() { const o = { toString() { return String(o); } }; console.log(String(o)); }',
    ],
  ])(
    'answers a stack overflow by %s with FunctionExecutionError',
    async (_, body) => {
      const r = await runAttempt(pool, canary, 'stack-abcde', body, { bundle: limits(10_000, 128) });
      expectNoCanary(r, canary);
      expect(r.error?.code).toBe('FunctionExecutionError');
      expect(r.error?.message).toMatch(/stack size/);
      await expectStillServing(pool);
    },
    30_000,
  );

  it('keeps serving after a 100 MB string return within a small heap (memory limit)', async () => {
    const r = await runAttempt(
      pool,
      canary,
      'huge-abcde',
      'function attempt() { return "x".repeat(100 * 1024 * 1024); }',
      {
        bundle: limits(20_000, 64),
      },
    );
    expectNoCanary(r, canary);
    expect(['MemoryLimitExceeded', 'FunctionExecutionError']).toContain(r.error?.code);
    await expectStillServing(pool);
  }, 60_000);

  it('refuses a 100 MB body within a heap that fits it with ResponseTooLarge', async () => {
    const r = await runAttempt(
      pool,
      canary,
      'huge-abcde',
      'function attempt(request, response) { response.setBody("x".repeat(100 * 1024 * 1024)); }',
      { bundle: limits(30_000, 512) },
    );
    expectNoCanary(r, canary);
    // The guest refuses the body before it crosses (limits.max_response_bytes, default 20 MB).
    expect(r.response).toBeUndefined();
    expect(r.error?.code).toBe('ResponseTooLarge');
    await expectStillServing(pool);
  }, 60_000);

  // Was a finding: a 100 MB body crossed isolate → host → pool whole, and a few at once could exhaust
  // the host's own heap. The guest now refuses it before it crosses (the pool re-checks).
  it.each([
    ['a returned value', 'function attempt() { return "x".repeat(21 * 1024 * 1024); }'],
    ['a string body', 'function attempt(q, r) { r.setBody("x".repeat(21 * 1024 * 1024)); }'],
    [
      'a string body of multi-byte characters under the limit in UTF-16 units',
      'function attempt(q, r) { r.setBody("é".repeat(11 * 1024 * 1024)); }',
    ],
    ['a binary body', 'function attempt(q, r) { r.setBody(new Uint8Array(21 * 1024 * 1024)); }'],
  ])(
    'refuses %s over the 20 MB default with ResponseTooLarge',
    async (_, body) => {
      const r = await runAttempt(pool, canary, 'huge-abcde', body, { bundle: limits(30_000, 256) });
      expect(r.response).toBeUndefined();
      expect(r.error).toEqual({
        code: 'ResponseTooLarge',
        message: 'response body is larger than 20971520 bytes',
      });
      await expectStillServing(pool);
    },
    60_000,
  );

  it("applies an app's own max_response_bytes, counting the body in UTF-8 bytes", async () => {
    const own = {
      limits: { timeout_ms: 10_000, memory_mb: 64, max_request_bytes: 1024, max_response_bytes: 10 },
    };
    const fits = await runAttempt(
      pool,
      canary,
      'small-abcde',
      'function attempt(q, r) { r.setBody("ééééé"); }',
      {
        bundle: own,
      },
    );
    expect(text(fits.response?.body)).toBe('ééééé');
    const over = await runAttempt(pool, canary, 'small-abcde', 'function attempt() { return "ééééé"; }', {
      bundle: own,
    });
    // Rendered as JSON the value is 12 bytes.
    expect(over.error?.code).toBe('ResponseTooLarge');
  }, 30_000);

  it('keeps promises rejected after the function returned out of the host and the next invocation', async () => {
    // Async completion: the answer is sent before the late rejections, which must then go nowhere.
    const late = `async function attempt() {
      (async () => { for (let i = 0; i < 1000; i++) await null; throw new Error("late rejection"); })();
      Promise.reject(new Error("unhandled at once"));
      context.services.get("mongodb-atlas").db("d").collection("c").findOne({}).then(() => { throw new Error("late throw"); });
      return "returned";
    }`;
    const first = await runAttempt(pool, canary, 'late-abcde', late, {
      hostCalls: () => new Promise((resolve) => setTimeout(() => resolve('{"x":1}'), 100)),
    });
    expect(first.error).toBeUndefined();
    expect(text(first.response?.body)).toBe('"returned"');
    const pid = pool.hosts().find((h) => h.appId === 'late-abcde')?.pid;
    // Let the late host reply arrive and the late rejections happen.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const next = await pool.run(
      bundleOf('late-abcde', { hello: 'exports = () => "next";' }, { version: 1_000 }),
      jobOf('late-abcde', 'hello', { version: 1_000 }),
      noHostCalls,
    );
    expect(next.error).toBeUndefined();
    expect(text(next.response?.body)).toBe('"next"');
    expect(next.logs).toEqual([]);
    expect(JSON.stringify(next)).not.toMatch(/late|unhandled/);
    // Same process: nothing crashed it.
    expect(pool.hosts().find((h) => h.appId === 'late-abcde')?.pid).toBe(pid);
    await expectStillServing(pool);
  }, 30_000);

  it('does not crash the host when a synchronous function leaves an unhandled rejection', async () => {
    const r = await runAttempt(
      pool,
      canary,
      'late-abcde',
      'function attempt() { Promise.reject(new Error("unhandled")); return "returned"; }',
    );
    expectNoCanary(r, canary);
    expect(JSON.stringify(r)).not.toContain('unhandled');
    await expectStillServing(pool);
  }, 30_000);

  // Was a finding (isolated-vm): isolated-vm throws an unhandled rejection out of `applySync` after
  // the call, so the return value was lost and the function answered 500. The engine now collects it.
  it('answers a synchronous function that leaves an unhandled rejection with its return value', async () => {
    const r = await runAttempt(
      pool,
      canary,
      'late-abcde',
      'function attempt() { (async () => { await null; throw new Error("dropped"); })(); return "returned"; }',
    );
    expect(r.error).toBeUndefined();
    expect(text(r.response?.body)).toBe('"returned"');
  }, 30_000);
});

describe.each(SANDBOX_ENGINES)('escape suite [%s]: a reassigned process', (engine) => {
  let pool: SandboxPool;
  afterAll(() => pool.close());

  it('carries nothing of the previous app to the next one', async () => {
    // One process: the second app can only run in the process the first one used.
    pool = new SandboxPool({ engine, maxProcesses: 1, maxProcessesPerApp: 1, logger: memoryLogger() });
    const first = bundleOf('first-abcde', {
      plant: `exports = function () {
        globalThis.planted = "from first";
        Object.prototype.polluted = "from first";
        Array.prototype.push = function () { return "hijacked"; };
        JSON.stringify = () => "hijacked";
        (async () => { for (let i = 0; i < 100; i++) await null; globalThis.late = "from first"; })();
        return "planted";
      };`,
    });
    expect(text((await pool.run(first, jobOf('first-abcde', 'plant'), noHostCalls)).response?.body)).toBe(
      '"planted"',
    );
    const pid = pool.hosts()[0].pid;
    const second = bundleOf('second-abcde', {
      look: `exports = function () {
        const a = []; a.push(1);
        return [typeof globalThis.planted, typeof ({}).polluted, a.length, typeof globalThis.late, JSON.stringify({ ok: 1 })];
      };`,
    });
    const r = await pool.run(second, jobOf('second-abcde', 'look'), noHostCalls);
    expect(pool.hosts()[0].pid).toBe(pid);
    expect(JSON.parse(text(r.response?.body))).toEqual([
      'undefined',
      'undefined',
      1,
      'undefined',
      '{"ok":1}',
    ]);
  }, 30_000);
});
