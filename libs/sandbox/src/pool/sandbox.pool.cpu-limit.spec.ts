import { SANDBOX_ENGINES } from '../engine/sandbox-engine.port';
import type { HostCallHandler } from '../sandbox.port';
import { bundleOf, jobOf, memoryLogger, text } from '../testing/sandbox.fixtures';
import { SandboxPool } from './sandbox.pool';

const DB = 'context.services.get("mongodb-atlas").db("d").collection("c")';
/** Pure computation, counted in iterations (not in clock time): tens of ms of CPU per slice. */
const SLICE = 'let x = 0; for (let i = 0; i < 5e6; i++) x = (x + i) % 1000003;';

const FUNCTIONS = {
  hello: 'exports = function () { return "hello"; };',
  // About a minute of CPU in one piece: the wall time (20 s) would stop it much later.
  spin: 'exports = function () { let x = 0; for (let i = 0; i < 1e11; i++) x = (x + i) % 1000003; return x; };',
  // The loop runs in a microtask, after the dispatch has returned (under vm2, in the host's own queue).
  awaits:
    'exports = async function () { await null; let x = 0; for (let i = 0; i < 1e11; i++) x = (x + i) % 1000003; return x; };',
  // 60 slices, each well under the budget, with a host call between them: only their sum is over.
  sliced: `exports = async function () {
    for (let n = 0; n < 60; n++) { ${SLICE} await ${DB}.findOne({ n }); }
    return "sliced";
  };`,
  // Mostly waiting: three slow host calls take far longer than the CPU budget, in wall time.
  waits: `exports = async function () {
    for (let n = 0; n < 3; n++) await ${DB}.findOne({ n });
    return "waited";
  };`,
};

const answerAt =
  (ms: number): HostCallHandler =>
  () =>
    new Promise((resolve) => setTimeout(() => resolve('null'), ms));

const CPU_LIMIT = { code: 'ExecutionTimeLimitExceeded', message: 'execution CPU time limit exceeded' };

describe.each(SANDBOX_ENGINES)('SandboxPool [%s]: CPU time per invocation (limits.cpu_ms)', (engine) => {
  const limitKills: [string, string | null][] = [];
  const pool = new SandboxPool({
    engine,
    maxProcesses: 3,
    maxProcessesPerApp: 1,
    logger: memoryLogger(),
    onLimitKill: (reason, appId) => limitKills.push([reason, appId]),
  });
  afterAll(() => pool.close());

  const limits = (cpu_ms: number | null) => ({
    limits: { timeout_ms: 20_000, memory_mb: 64, max_request_bytes: 1024, cpu_ms },
  });
  const capped = bundleOf('cpu-abcde', FUNCTIONS, limits(200));
  const uncapped = bundleOf('nocap-abcde', FUNCTIONS, limits(null));
  const run = (bundle = capped, fn: keyof typeof FUNCTIONS, hostCalls = answerAt(0)) =>
    pool.run(bundle, jobOf(bundle.appId, fn), hostCalls);

  it.each([
    ['a synchronous loop', 'spin'],
    ['a loop after an await', 'awaits'],
  ] as const)(
    'stops %s once it has used cpu_ms, long before its wall time, and says so',
    async (_, fn) => {
      limitKills.length = 0;
      const r = await run(capped, fn);
      expect(r.error).toEqual(CPU_LIMIT);
      expect(limitKills).toEqual([['cpu', 'cpu-abcde']]);
    },
    60_000,
  );

  it('adds up the CPU of every slice between host calls: none is over the budget, their sum is', async () => {
    const r = await run(capped, 'sliced');
    expect(r.error).toEqual(CPU_LIMIT);
    // Without cpu_ms the same function runs to its end: the budget is then the wall time.
    const free = await run(uncapped, 'sliced');
    expect(free.error).toBeUndefined();
    expect(text(free.response?.body)).toBe('"sliced"');
  }, 60_000);

  it('does not count time spent waiting: three 300 ms host calls pass a 200 ms CPU budget', async () => {
    const r = await run(capped, 'waits', answerAt(300));
    expect(r.error).toBeUndefined();
    expect(text(r.response?.body)).toBe('"waited"');
  }, 30_000);

  it('keeps other apps answering while one overruns, and the overrunning app recovers', async () => {
    const [spun, other] = await Promise.all([
      run(capped, 'spin'),
      run(bundleOf('other-abcde', FUNCTIONS, limits(200)), 'hello'),
    ]);
    expect(spun.error).toEqual(CPU_LIMIT);
    expect(text(other.response?.body)).toBe('"hello"');
    const again = await run(capped, 'hello');
    expect(again.error).toBeUndefined();
    expect(text(again.response?.body)).toBe('"hello"');
  }, 60_000);
});
