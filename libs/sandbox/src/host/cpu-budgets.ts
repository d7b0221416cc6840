import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * The signal a host ends itself with when a guest overran its CPU time: "virtual timer expired",
 * whose default action terminates without a core dump, and which neither Node nor V8 uses. The pool
 * reads it from the exit status as the CPU limit (as SIGABRT means memory).
 */
export const CPU_LIMIT_SIGNAL = 'SIGVTALRM' as const;

/** How often the watchdog thread compares the process's CPU time with the open deadline. */
const POLL_MS = 10;

/**
 * The watchdog thread (plain JavaScript, `new Worker(..., { eval: true })`). It sleeps in
 * `Atomics.wait`, so it needs no event loop and keeps working while the main thread is stuck in a
 * guest's loop. The deadline is published as a seqlock (the generation is odd while the main thread
 * writes): the thread acts only on a deadline that was current from before it read it until after it
 * read the CPU time, so a segment that ended in between never kills the process.
 */
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const shared = new BigInt64Array(workerData.buffer);
const sleep = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  Atomics.wait(sleep, 0, 0, ${POLL_MS});
  const generation = Atomics.load(shared, 1);
  if (generation % 2n === 1n) continue;
  const deadline = Atomics.load(shared, 0);
  if (deadline === 0n) continue;
  const usage = process.cpuUsage();
  if (BigInt(usage.user + usage.system) > deadline && Atomics.load(shared, 1) === generation) {
    try { writeSync(2, 'sandbox host: an invocation exceeded its CPU time limit\\n'); } catch (e) {}
    process.kill(process.pid, '${CPU_LIMIT_SIGNAL}');
  }
}
`;

/** CPU time of this process (user + system, all threads), µs. */
const cpuNowUs = (): number => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};

/** Ends the process the way the pool reads as a CPU overrun. */
function endForCpu(): void {
  try {
    writeSync(2, 'sandbox host: an invocation exceeded its CPU time limit\n');
  } catch {
    // stderr gone: the exit signal alone tells the pool.
  }
  process.kill(process.pid, CPU_LIMIT_SIGNAL);
}

interface Segment {
  token: number;
  id: number;
  budgetUs: number;
}

/**
 * Per-invocation CPU time (`limits.cpu_ms`). A guest runs only inside the host's dispatches into its
 * environment (and, under vm2, the microtasks right after); each such segment is charged to the
 * invocation it was dispatched for, and an invocation's charges add up across its segments. Under
 * vm2 segments nest (a dispatch may begin before the previous one's microtasks have drained): CPU
 * time is then charged to the innermost open segment only, so nothing is counted twice. Within a
 * segment a watchdog thread ends the process once the budget is gone (a loop never returns to be
 * checked); at the end of a segment the sum is checked. Measured as the process's CPU time (GC
 * threads included), so the approximation errs towards the limit, never past it.
 */
export class CpuBudgets {
  /** [0]: the running segment's deadline in process CPU µs (0: none); [1]: seqlock generation. */
  private readonly shared = new BigInt64Array(new SharedArrayBuffer(16));
  private readonly used = new Map<number, number>();
  /** Open segments, innermost last: the one the CPU is being charged to. */
  private readonly open: Segment[] = [];
  /** Process CPU time up to which the open segments have been charged. */
  private chargedUs = 0;
  private nextToken = 1;
  private readonly onOverrun: (id: number) => void;
  private watchdog: Worker | undefined;
  private readonly withWatchdog: boolean;

  /**
   * `watchdog: false` and `onOverrun` only for tests that run this inside the test process: the
   * default ends the process.
   */
  constructor(options: { watchdog?: boolean; onOverrun?: (id: number) => void } = {}) {
    this.onOverrun = options.onOverrun ?? endForCpu;
    this.withWatchdog = options.watchdog !== false;
  }

  /**
   * Starts the watchdog thread, once: when the first app version with a CPU budget is loaded, before
   * its environment exists. A host that never serves such an app never pays for the thread, and under
   * vm2 the thread's memory is part of the host's size before the load, not charged to a guest.
   */
  prepare(): void {
    if (this.watchdog !== undefined || !this.withWatchdog) return;
    this.watchdog = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { buffer: this.shared.buffer } });
    // The host exits when the pool closes its pipe; the watchdog must not keep it alive.
    this.watchdog.unref();
  }

  /** Opens a segment of invocation `id`, whose whole budget is `budgetMs`; returns its token. */
  begin(id: number, budgetMs: number): number {
    const nowUs = this.charge();
    const token = this.nextToken++;
    this.open.push({ token, id, budgetUs: budgetMs * 1000 });
    this.publish(nowUs);
    return token;
  }

  /**
   * Closes a segment. An invocation that finished within it is forgotten (its result is out); one
   * that is still running and has now used its budget is ended.
   */
  end(token: number, stillRunning: boolean): void {
    const at = this.open.findIndex((segment) => segment.token === token);
    if (at < 0) return;
    const nowUs = this.charge();
    const [segment] = this.open.splice(at, 1);
    this.publish(nowUs);
    if (!stillRunning) this.used.delete(segment.id);
    else if (this.usedUs(segment.id) > segment.budgetUs) this.onOverrun(segment.id);
  }

  /** CPU time charged to a running invocation so far, µs (for tests and logs). */
  usedUs(id: number): number {
    return this.used.get(id) ?? 0;
  }

  /** Forgets a finished invocation. */
  finish(id: number): void {
    this.used.delete(id);
  }

  /** Charges the CPU time since the last charge to the innermost open segment; returns now. */
  private charge(): number {
    const nowUs = cpuNowUs();
    const current = this.open.at(-1);
    if (current !== undefined) this.used.set(current.id, this.usedUs(current.id) + nowUs - this.chargedUs);
    this.chargedUs = nowUs;
    return nowUs;
  }

  /** Publishes when the innermost open segment's invocation runs out of budget (seqlock). */
  private publish(nowUs: number): void {
    const current = this.open.at(-1);
    const deadline =
      current === undefined
        ? 0n
        : BigInt(Math.max(1, Math.floor(nowUs + current.budgetUs - this.usedUs(current.id))));
    Atomics.add(this.shared, 1, 1n);
    Atomics.store(this.shared, 0, deadline);
    Atomics.add(this.shared, 1, 1n);
  }
}
