import { CpuBudgets } from './cpu-budgets';

/** Burns at least `ms` of this thread's CPU time. */
function burn(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if (used.user + used.system >= ms * 1000) return;
  }
}

/**
 * The accounting inside this test process (no watchdog thread, overruns recorded instead of ending
 * the process); the pool spec `sandbox.pool.cpu-limit.spec.ts` runs it in real host processes.
 */
describe('CpuBudgets', () => {
  const setUp = () => {
    const overruns: number[] = [];
    const budgets = new CpuBudgets({ watchdog: false, onOverrun: (id) => overruns.push(id) });
    return { overruns, budgets };
  };

  it('adds up the segments of a running invocation and ends it once their sum is over its budget', () => {
    const { overruns, budgets } = setUp();
    for (let n = 0; n < 3; n++) {
      const token = budgets.begin(7, 100);
      burn(20);
      budgets.end(token, true);
    }
    expect(budgets.usedUs(7)).toBeGreaterThanOrEqual(60_000);
    expect(overruns).toEqual([]);
    const token = budgets.begin(7, 100);
    burn(50);
    budgets.end(token, true);
    expect(overruns).toEqual([7]);
  });

  it('charges nothing to an invocation that finished within the segment, and forgets finished ones', () => {
    const { overruns, budgets } = setUp();
    const token = budgets.begin(1, 10);
    burn(20);
    budgets.end(token, false);
    expect(overruns).toEqual([]);
    expect(budgets.usedUs(1)).toBe(0);

    const other = budgets.begin(2, 1000);
    burn(5);
    budgets.end(other, true);
    expect(budgets.usedUs(2)).toBeGreaterThan(0);
    budgets.finish(2);
    expect(budgets.usedUs(2)).toBe(0);
  });

  it('charges nested segments (vm2) to the innermost one only, never twice, and ignores an unknown token', () => {
    const { overruns, budgets } = setUp();
    const outer = budgets.begin(1, 1000);
    const inner = budgets.begin(2, 15);
    burn(20);
    budgets.end(inner, true);
    burn(5);
    budgets.end(outer, true);
    budgets.end(outer, true);
    expect(overruns).toEqual([2]);
    expect(budgets.usedUs(2)).toBeGreaterThanOrEqual(20_000);
    expect(budgets.usedUs(1)).toBeGreaterThanOrEqual(5_000);
    expect(budgets.usedUs(1)).toBeLessThan(budgets.usedUs(2));
  });
});
