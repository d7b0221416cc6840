import { SANDBOX_ENGINES } from '../engine/sandbox-engine.port';
import { GUEST_LIMITS, LOG_TRUNCATED_LINE } from '../guest/guest-limits.constants';
import type { HostCallHandler } from '../sandbox.port';
import { bundleOf, jobOf, memoryLogger, noHostCalls, text } from '../testing/sandbox.fixtures';
import { SandboxPool } from './sandbox.pool';

const APP = 'limits-abcde';
const DB = 'context.services.get("mongodb-atlas").db("d").collection("c")';
const LINE_BYTES = 100 * 1024;
/** "log: " (5 bytes) + this many "é" (2 bytes each) + "x" makes a line of LINE_BYTES. */
const E_COUNT = (LINE_BYTES - 6) / 2;

/** Functions of one bundle: one warm host serves the file. */
const FUNCTIONS = {
  lines: `exports = function () { for (let i = 0; i < ${GUEST_LIMITS.maxLogLines + 10}; i++) console.log(i); return "ok"; };`,
  // Each line is "log: " + payload = LINE_BYTES bytes of UTF-8 ("é" is 2 bytes).
  bytes: `exports = function () { const s = "é".repeat(${E_COUNT}) + "x"; for (let i = 0; i < 20; i++) console.log(s); return "ok"; };`,
  pending: `exports = async function () {
    const c = ${DB};
    const first = [];
    for (let i = 0; i < ${GUEST_LIMITS.maxPendingCalls}; i++) first.push(c.findOne({ i }));
    let refused = "none";
    try { await c.findOne({ i: "one too many" }); } catch (e) { refused = e.message; }
    await Promise.all(first);
    const after = await c.findOne({ i: "after" });
    return { refused, after };
  };`,
  leave: `exports = function () {
    globalThis.left = 0;
    (async () => {
      for (let i = 0; i < 10000; i++) { await null; globalThis.left++; }
      console.log("late log");
      try { await ${DB}.findOne({ late: true }); } catch (e) { globalThis.lateCall = e.message; }
    })();
    return "left";
  };`,
  look: 'exports = function () { return { left: globalThis.left, lateCall: globalThis.lateCall }; };',
};

describe.each(SANDBOX_ENGINES)('SandboxPool [%s]: per-invocation limits of the guest runtime', (engine) => {
  let pool: SandboxPool;
  beforeAll(() => {
    pool = new SandboxPool({
      engine,
      maxProcesses: 2,
      maxProcessesPerApp: 1,
      logger: memoryLogger(),
    });
  });
  afterAll(() => pool.close());

  const run = (fn: keyof typeof FUNCTIONS, hostCalls: HostCallHandler = noHostCalls) =>
    pool.run(bundleOf(APP, FUNCTIONS), jobOf(APP, fn), hostCalls);

  it(`keeps ${GUEST_LIMITS.maxLogLines} console lines, then one truncation line`, async () => {
    const r = await run('lines');
    expect(text(r.response?.body)).toBe('"ok"');
    expect(r.logs).toHaveLength(GUEST_LIMITS.maxLogLines + 1);
    expect(r.logs[GUEST_LIMITS.maxLogLines - 1]).toBe(`log: ${GUEST_LIMITS.maxLogLines - 1}`);
    expect(r.logs[GUEST_LIMITS.maxLogLines]).toBe(LOG_TRUNCATED_LINE);
  }, 30_000);

  it(`keeps ${GUEST_LIMITS.maxLogBytes} console bytes counted as UTF-8, then one truncation line`, async () => {
    const r = await run('bytes');
    const fitting = Math.floor(GUEST_LIMITS.maxLogBytes / LINE_BYTES);
    expect(r.logs).toHaveLength(fitting + 1);
    expect(Buffer.byteLength(r.logs[0])).toBe(LINE_BYTES);
    expect(r.logs[fitting]).toBe(LOG_TRUNCATED_LINE);
  }, 30_000);

  it(`refuses host call ${GUEST_LIMITS.maxPendingCalls + 1} while ${GUEST_LIMITS.maxPendingCalls} are pending, in the guest`, async () => {
    let crossed = 0;
    const slow: HostCallHandler = () => {
      crossed++;
      return new Promise((resolve) => setTimeout(() => resolve('{"ok":1}'), 200));
    };
    const r = await run('pending', slow);
    expect(r.error).toBeUndefined();
    expect(JSON.parse(text(r.response?.body))).toEqual({
      refused: `exceeded max async work queue size of ${GUEST_LIMITS.maxPendingCalls}`,
      after: { ok: 1 },
    });
    // The refused call never left the guest; once the others were answered, calls go through again.
    expect(crossed).toBe(GUEST_LIMITS.maxPendingCalls + 1);
  }, 30_000);

  it('runs the promises an invocation leaves behind out before the next invocation starts', async () => {
    let crossed = 0;
    const counting: HostCallHandler = () => {
      crossed++;
      return Promise.resolve('{}');
    };
    const first = await run('leave', counting);
    expect(text(first.response?.body)).toBe('"left"');
    expect(first.logs).toEqual([]);
    const next = await run('look', counting);
    // The whole chain ran inside the first invocation's turn: none of it interleaves with the next,
    // its console line went nowhere, and its host call was refused in the guest.
    expect(JSON.parse(text(next.response?.body))).toEqual({
      left: 10000,
      lateCall: 'the invocation has already finished',
    });
    expect(next.logs).toEqual([]);
    expect(crossed).toBe(0);
  }, 30_000);
});
