import { Worker } from 'node:worker_threads';

/** How often the watchdog reads the process's resident set size. */
const POLL_MS = 10;

/**
 * The watchdog thread's code (plain JavaScript, evaluated by `new Worker(..., { eval: true })`).
 * It blocks in `Atomics.wait` between reads, so it needs no event loop and keeps working while the
 * main thread is stuck in a guest's loop. Past the limit it writes one line with a synchronous
 * write (a worker's `process.stderr` goes through the main thread, which may never run again) and
 * aborts the process: SIGABRT is also how V8 ends a process that ran out of heap, and the pool
 * reports both as MemoryLimitExceeded.
 */
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const shared = new Int32Array(workerData.buffer);
for (;;) {
  Atomics.wait(shared, 1, 0, ${POLL_MS});
  const limitMb = Atomics.load(shared, 0);
  if (limitMb <= 0) continue;
  const rss = process.memoryUsage.rss();
  if (rss > limitMb * 1048576) {
    try { writeSync(2, 'sandbox host: memory limit exceeded (rss ' + Math.round(rss / 1048576) + ' MB > ' + limitMb + ' MB)\\n'); } catch (e) {}
    process.kill(process.pid, 'SIGABRT');
  }
}
`;

/**
 * Bounds the resident memory of a sandbox host process from a second thread. Needed where guest
 * code shares the host's heap (vm2): `--max-old-space-size` caps the JavaScript heap, but not the
 * array buffers a guest allocates outside it, which would otherwise grow until the machine runs out.
 */
export class RssWatchdog {
  private readonly shared = new Int32Array(new SharedArrayBuffer(8));
  private readonly worker: Worker;

  constructor() {
    this.worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { buffer: this.shared.buffer } });
    // The host exits when the pool closes its pipe; the watchdog must not keep it alive.
    this.worker.unref();
  }

  /** The resident set size above which the process is aborted, in MB (0: no limit). */
  setLimitMb(limitMb: number): void {
    Atomics.store(this.shared, 0, Math.max(0, Math.ceil(limitMb)));
  }
}
