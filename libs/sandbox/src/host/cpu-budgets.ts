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
  id: number;
  startUs: number;
  /** Process CPU time at which this invocation's budget runs out. */
  endUs: number;
}

/**
 * Per-invocation CPU time (`limits.cpu_ms`). A guest runs only inside the host's dispatches into its
 * environment (and, under vm2, the microtasks right after); each such segment is charged to the
 * invocation it was dispatched for, and across segments an invocation's charges add up. Within a
 * segment a watchdog thread ends the process once the budget is gone (a loop never returns to be
 * checked); at the end of a segment the sum is checked. Measured as the process's CPU time, so
 * garbage collection during a segment counts, and where segments overlap (vm2) both are charged:
 * the approximation only ever errs towards the limit.
 */
export class CpuBudgets {
  /** [0]: the earliest deadline of the open segments in process CPU µs (0: none); [1]: generation. */
  private readonly shared = new BigInt64Array(new SharedArrayBuffer(16));
  private readonly used = new Map<number, number>();
  private readonly open = new Map<number, Segment>();
  private nextToken = 1;
  private readonly onOverrun: (id: number) => void;

  /**
   * `watchdog: false` and `onOverrun` only for tests that run this inside the test process: the
   * default ends the process.
   */
  constructor(options: { watchdog?: boolean; onOverrun?: (id: number) => void } = {}) {
    this.onOverrun = options.onOverrun ?? endForCpu;
    if (options.watchdog === false) return;
    const worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { buffer: this.shared.buffer } });
    // The host exits when the pool closes its pipe; the watchdog must not keep it alive.
    worker.unref();
  }

  /** Opens a segment of invocation `id`, whose whole budget is `budgetMs`; returns its token. */
  begin(id: number, budgetMs: number): number {
    const startUs = cpuNowUs();
    const token = this.nextToken++;
    this.open.set(token, { id, startUs, endUs: startUs + budgetMs * 1000 - (this.used.get(id) ?? 0) });
    this.publish();
    return token;
  }

  /**
   * Closes a segment. An invocation that finished within it is not charged (its result is out); one
   * that is still running and has now used its budget is ended.
   */
  end(token: number, stillRunning: boolean): void {
    const segment = this.open.get(token);
    if (segment === undefined) return;
    this.open.delete(token);
    this.publish();
    if (!stillRunning) return;
    const nowUs = cpuNowUs();
    this.used.set(segment.id, (this.used.get(segment.id) ?? 0) + nowUs - segment.startUs);
    if (nowUs > segment.endUs) this.onOverrun(segment.id);
  }

  /** CPU time charged to a running invocation so far, µs (for tests and logs). */
  usedUs(id: number): number {
    return this.used.get(id) ?? 0;
  }

  /** Forgets a finished invocation. */
  finish(id: number): void {
    this.used.delete(id);
  }

  private publish(): void {
    let earliest = 0;
    for (const segment of this.open.values())
      if (earliest === 0 || segment.endUs < earliest) earliest = segment.endUs;
    Atomics.add(this.shared, 1, 1n);
    Atomics.store(this.shared, 0, earliest === 0 ? 0n : BigInt(Math.max(1, Math.floor(earliest))));
    Atomics.add(this.shared, 1, 1n);
  }
}
