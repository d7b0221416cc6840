import { SANDBOX_ENGINES } from '../engine/sandbox-engine.port';
import type { FunctionBundle } from '@portico/contracts';
import type { HostCallHandler } from '../sandbox.port';
import { bundleOf, jobOf, memoryLogger, noHostCalls, text } from '../testing/sandbox.fixtures';
import { SandboxPool } from './sandbox.pool';

const HELLO = 'exports = function () { return "hello"; };';
const limits = (timeout_ms: number, memory_mb = 64) => ({
  limits: { timeout_ms, memory_mb, max_request_bytes: 1024 },
});

/** True once the process is gone (signal 0 probes without killing). */
function isDead(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A host-call handler that never answers until released. */
function gate(): { handler: HostCallHandler; release: (value: string) => void } {
  let release!: (value: string) => void;
  const answer = new Promise<string>((resolve) => (release = resolve));
  return { handler: () => answer, release };
}

describe.each(SANDBOX_ENGINES)('SandboxPool [%s]: limits, failures and process management', (engine) => {
  // One pool for the whole block: tests kill its hosts on purpose, and it must cope.
  const limitKills: [string, string | null][] = [];
  const pool = new SandboxPool({
    engine,
    maxProcesses: 3,
    maxProcessesPerApp: 1,
    logger: memoryLogger(),
    onLimitKill: (reason, appId) => limitKills.push([reason, appId]),
  });
  afterAll(() => pool.close());

  const pidOf = (appId: string) => pool.hosts().find((h) => h.appId === appId)?.pid;
  const hello = (appId: string, extra: Partial<FunctionBundle> = {}) =>
    pool.run(bundleOf(appId, { hello: HELLO }, extra), jobOf(appId, 'hello'), noHostCalls);

  it.each([
    ['a synchronous infinite loop', 'exports = function () { while (true) {} };'],
    ['an asynchronous infinite loop', 'exports = async function () { for (;;) await null; };'],
  ])(
    'stops %s with ExecutionTimeLimitExceeded, replaces the process, and other apps answer meanwhile',
    async (_, source) => {
      const loop = bundleOf('loop-abcde', { loop: source, hello: HELLO }, limits(800));
      expect((await hello('other-abcde')).response?.status).toBe(200);
      await pool.run(loop, jobOf('loop-abcde', 'hello'), noHostCalls);
      const loopPid = pidOf('loop-abcde')!;

      const started = Date.now();
      const stuck = pool.run(loop, jobOf('loop-abcde', 'loop'), noHostCalls);
      let stopped = false;
      void stuck.then(() => (stopped = true));
      for (let i = 0; i < 5; i++) {
        const r = await hello('other-abcde');
        expect(text(r.response?.body)).toBe('"hello"');
      }
      expect(stopped).toBe(false);
      const result = await stuck;
      expect(result.error).toEqual({
        code: 'ExecutionTimeLimitExceeded',
        message: 'execution time limit exceeded',
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(790);
      expect(limitKills.pop()).toEqual(['time', 'loop-abcde']); // what the worker's metrics count
      await until(() => isDead(loopPid));
      expect(pool.hosts().map((h) => h.pid)).not.toContain(loopPid);
      // The app gets a fresh process and works again (given time for that process to start).
      const again = await pool.run(
        { ...loop, limits: { ...loop.limits, timeout_ms: 20_000 } },
        jobOf('loop-abcde', 'hello'),
        noHostCalls,
      );
      expect(again.error).toBeUndefined();
      expect(again.response?.status).toBe(200);
      expect(again.cold).toBe(true);
      expect(pidOf('loop-abcde')).not.toBe(loopPid);
    },
    30_000,
  );

  it('uses the job deadline when it comes before the app timeout', async () => {
    const loop = bundleOf(
      'loop-abcde',
      { loop: 'exports = function () { while (true) {} };' },
      limits(60_000),
    );
    const started = Date.now();
    const r = await pool.run(loop, jobOf('loop-abcde', 'loop', { deadline: Date.now() + 500 }), noHostCalls);
    expect(r.error?.code).toBe('ExecutionTimeLimitExceeded');
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 30_000);

  it('stops a memory bomb with MemoryLimitExceeded and replaces the process', async () => {
    const bomb = bundleOf(
      'bomb-abcde',
      {
        bomb: 'exports = function () { const a = []; for (;;) a.push(new Array(1e6).fill(1.5)); };',
        hello: HELLO,
      },
      limits(20_000, 32),
    );
    await pool.run(bomb, jobOf('bomb-abcde', 'hello'), noHostCalls);
    const pid = pidOf('bomb-abcde')!;
    const pending = pool.run(bomb, jobOf('bomb-abcde', 'bomb'), noHostCalls);
    expect((await hello('other-abcde')).response?.status).toBe(200);
    expect((await pending).error).toEqual({ code: 'MemoryLimitExceeded', message: 'memory limit exceeded' });
    expect(limitKills.pop()).toEqual(['memory', 'bomb-abcde']);
    await until(() => isDead(pid));
    expect((await pool.run(bomb, jobOf('bomb-abcde', 'hello'), noHostCalls)).response?.status).toBe(200);
  }, 30_000);

  it('fails the other in-flight invocations of a killed host with "sandbox host restarted"', async () => {
    const long = bundleOf(
      'shared-abcde',
      {
        waits:
          'exports = async function () { return context.services.get("mongodb-atlas").db("d").collection("c").findOne({}); };',
        loop: 'exports = function () { while (true) {} };',
      },
      limits(5_000),
    );
    const victim = pool.run(long, jobOf('shared-abcde', 'waits'), gate().handler);
    // Same app, same process (one per app): its wall time comes from the job deadline.
    const killer = pool.run(long, jobOf('shared-abcde', 'loop', { deadline: Date.now() + 300 }), noHostCalls);
    expect((await killer).error?.code).toBe('ExecutionTimeLimitExceeded');
    expect((await victim).error).toEqual({
      code: 'InternalServerError',
      message: 'sandbox host restarted',
      status: 503,
    });
  }, 30_000);

  it('replaces a host that dies for any reason, and the pool keeps answering', async () => {
    expect((await hello('crash-abcde')).response?.status).toBe(200);
    const pid = pidOf('crash-abcde')!;
    process.kill(pid, 'SIGKILL');
    await until(() => !pool.hosts().some((h) => h.pid === pid));
    const r = await hello('crash-abcde');
    expect(r.response?.status).toBe(200);
    expect(pidOf('crash-abcde')).not.toBe(pid);
  }, 30_000);

  it('loads a newer version while in-flight invocations of the old one complete, then unloads it', async () => {
    const v1 = bundleOf('deploy-abcde', {
      fn: 'exports = async function () { const d = await context.services.get("mongodb-atlas").db("d").collection("c").findOne({}); return "v1:" + d.x; };',
    });
    const v2 = bundleOf('deploy-abcde', { fn: 'exports = function () { return "v2"; };' }, { version: 2 });
    const { handler, release } = gate();
    const old = pool.run(v1, jobOf('deploy-abcde', 'fn'), handler);
    await until(() => pool.hosts().some((h) => h.appId === 'deploy-abcde' && h.running === 1));
    const fresh = await pool.run(v2, jobOf('deploy-abcde', 'fn', { version: 2 }), noHostCalls);
    expect(text(fresh.response?.body)).toBe('"v2"');
    expect(pool.hosts().find((h) => h.appId === 'deploy-abcde')?.versions).toEqual([1, 2]);
    release('{"x":"done"}');
    expect(text((await old).response?.body)).toBe('"v1:done"');
    expect(pool.hosts().find((h) => h.appId === 'deploy-abcde')?.versions).toEqual([2]);
  }, 30_000);

  it('keeps an app on its warm process', async () => {
    await hello('warm-abcde');
    const pid = pidOf('warm-abcde');
    for (let i = 0; i < 5; i++) await hello('warm-abcde');
    expect(pidOf('warm-abcde')).toBe(pid);
  }, 30_000);
});

describe('SandboxPool: sharing a full pool between apps', () => {
  let pool: SandboxPool;
  afterEach(() => pool.close());

  it('reassigns the least recently used idle process of another app when full', async () => {
    pool = new SandboxPool({
      engine: 'isolated-vm',
      maxProcesses: 2,
      maxProcessesPerApp: 1,
      logger: memoryLogger(),
    });
    const run = (appId: string) =>
      pool.run(bundleOf(appId, { hello: HELLO }), jobOf(appId, 'hello'), noHostCalls);
    expect((await run('a-abcde')).cold).toBe(true);
    // The pre-started spare served a-abcde; a new spare is started right away.
    expect(pool.hosts().map((h) => h.appId)).toEqual(['a-abcde', null]);
    expect((await run('b-abcde')).cold).toBe(true);
    await run('b-abcde');
    expect(
      pool
        .hosts()
        .map((h) => h.appId)
        .sort(),
    ).toEqual(['a-abcde', 'b-abcde']);
    const c = await run('c-abcde');
    expect(c.response?.status).toBe(200);
    expect(
      pool
        .hosts()
        .map((h) => h.appId)
        .sort(),
    ).toEqual(['b-abcde', 'c-abcde']);
    expect((await run('a-abcde')).cold).toBe(true);
  }, 30_000);

  it('queues an app while every process is busy with others, and starts it when one frees up', async () => {
    pool = new SandboxPool({
      engine: 'isolated-vm',
      maxProcesses: 1,
      maxProcessesPerApp: 1,
      logger: memoryLogger(),
    });
    const busy = bundleOf('busy-abcde', {
      wait: 'exports = async function () { return context.services.get("mongodb-atlas").db("d").collection("c").findOne({}); };',
    });
    const { handler, release } = gate();
    const first = pool.run(busy, jobOf('busy-abcde', 'wait'), handler);
    await new Promise((r) => setTimeout(r, 200));
    const queued = pool.run(
      bundleOf('next-abcde', { hello: HELLO }),
      jobOf('next-abcde', 'hello'),
      noHostCalls,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(pool.hosts().map((h) => h.appId)).toEqual(['busy-abcde']);
    release('{"ok":true}');
    expect(text((await first).response?.body)).toBe('{"ok":true}');
    expect((await queued).response?.status).toBe(200);
    expect(pool.hosts().map((h) => h.appId)).toEqual(['next-abcde']);
    // A queued job whose deadline passes is answered 504, the running one untouched.
    const blocker = gate();
    const running = pool.run(busy, jobOf('busy-abcde', 'wait'), blocker.handler);
    const starved = await pool.run(
      bundleOf('late-abcde', { hello: HELLO }),
      jobOf('late-abcde', 'hello', { deadline: Date.now() + 300 }),
      noHostCalls,
    );
    expect(starved.error).toMatchObject({ code: 'ExecutionTimeLimitExceeded', status: 504 });
    blocker.release('1');
    expect((await running).response?.status).toBe(200);
  }, 30_000);

  it('spreads one app over up to maxProcessesPerApp processes when they are busy', async () => {
    pool = new SandboxPool({
      engine: 'isolated-vm',
      maxProcesses: 3,
      maxProcessesPerApp: 2,
      logger: memoryLogger(),
    });
    const app = bundleOf('wide-abcde', {
      wait: 'exports = async function () { return context.services.get("mongodb-atlas").db("d").collection("c").findOne({}); };',
    });
    const { handler, release } = gate();
    const runs = [1, 2, 3].map(() => pool.run(app, jobOf('wide-abcde', 'wait'), handler));
    await until(
      () =>
        pool
          .hosts()
          .filter((h) => h.appId === 'wide-abcde')
          .reduce((n, h) => n + h.running, 0) === 3,
    );
    expect(pool.hosts().filter((h) => h.appId === 'wide-abcde')).toHaveLength(2);
    release('2');
    for (const r of await Promise.all(runs)) expect(text(r.response?.body)).toBe('2');
  }, 30_000);

  it('answers 504 without starting when the deadline has passed, and 503 after close', async () => {
    pool = new SandboxPool({
      engine: 'isolated-vm',
      maxProcesses: 2,
      maxProcessesPerApp: 1,
      logger: memoryLogger(),
    });
    const hello = (appId: string) =>
      pool.run(bundleOf(appId, { hello: HELLO }), jobOf(appId, 'hello'), noHostCalls);
    expect((await hello('late-abcde')).response?.status).toBe(200);
    const late = await pool.run(
      bundleOf('late-abcde', { hello: HELLO }),
      jobOf('late-abcde', 'hello', { deadline: Date.now() - 1 }),
      noHostCalls,
    );
    expect(late.error).toMatchObject({ code: 'ExecutionTimeLimitExceeded', status: 504 });
    const pids = pool.hosts().map((h) => h.pid);
    await pool.close();
    expect(pids.every(isDead)).toBe(true);
    expect((await hello('late-abcde')).error).toEqual({
      code: 'ServiceUnavailable',
      message: 'sandbox pool is closed',
      status: 503,
    });
  }, 30_000);
  it('refuses an unknown engine and bad sizes at construction', () => {
    expect(
      () => new SandboxPool({ engine: 'rhino' as 'isolated-vm', maxProcesses: 1, maxProcessesPerApp: 1 }),
    ).toThrow(/unknown sandbox engine/);
    expect(() => new SandboxPool({ engine: 'isolated-vm', maxProcesses: 0, maxProcessesPerApp: 1 })).toThrow(
      /maxProcesses/,
    );
    pool = new SandboxPool({
      engine: 'isolated-vm',
      maxProcesses: 1,
      maxProcessesPerApp: 1,
      spare: false,
      logger: memoryLogger(),
    });
    expect(pool.hosts()).toHaveLength(0);
  });
});
