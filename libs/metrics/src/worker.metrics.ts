import { Counter, Gauge, type Registry } from 'prom-client';
import { CellCounter, CellHistogram, type CounterCell, type HistogramCell } from './cell-metrics';
import { processMetricsRegistry, recorderFor } from './metrics-registry';

/** Why the sandbox pool killed a host process: the wall-time limit, or the heap limit (a fatal error). */
export type LimitKillReason = 'time' | 'memory' | 'cpu';

/** What the worker metrics need to know about the sandbox pool when scraped. */
export interface SandboxPoolView {
  hosts(): { appId: string | null; running: number }[];
}

/** Job counts of the worker's queue by state (BullMQ `getJobCounts`). */
export type QueueDepthSource = () => Promise<Record<string, number>>;

/** From 1 ms (a warm call) to the longest function timeout. */
export const JOB_DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];
/** Queue waits are short when workers keep up; the long buckets show when they do not. */
export const JOB_WAIT_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

const recorders = new WeakMap<Registry, WorkerMetrics>();

/**
 * The worker's metrics: invocations run (by outcome and cold/warm start) and how long they ran, how
 * long jobs waited in the queue (cluster mode), sandbox host processes by state, processes killed for
 * overrunning a limit, and the queue's depth. No per-app labels: the per-app view is the gateway's.
 * Pool size and queue depth are read when Prometheus scrapes (`collect`), not kept up to date.
 */
export class WorkerMetrics {
  private readonly limitKills: Counter<'reason'>;
  // Per-invocation series are cells (see cell-metrics.ts): recording costs a few additions.
  private readonly ok: HistogramCell;
  private readonly failed: HistogramCell;
  private readonly wait: HistogramCell;
  private readonly cold: CounterCell;
  private readonly warm: CounterCell;
  private pool: SandboxPoolView | undefined;
  private queueDepth: QueueDepthSource | undefined;

  static on(registry: Registry = processMetricsRegistry()): WorkerMetrics {
    return recorderFor(registry, recorders, (r) => new WorkerMetrics(r));
  }

  private constructor(registry: Registry) {
    const registers = [registry];
    const runSeconds = new CellHistogram({
      name: 'portico_worker_job_run_seconds',
      help: 'Time an invocation took in the worker (bundle lookup and sandbox run), by outcome',
      labelNames: ['outcome'],
      buckets: JOB_DURATION_BUCKETS,
      registers,
    });
    this.ok = runSeconds.cell('ok');
    this.failed = runSeconds.cell('error');
    this.wait = new CellHistogram({
      name: 'portico_worker_job_wait_seconds',
      help: 'Time a job spent in the queue, from enqueue to a worker taking it (cluster mode)',
      buckets: JOB_WAIT_BUCKETS,
      registers,
    }).cell();
    const starts = new CellCounter({
      name: 'portico_sandbox_starts_total',
      help: 'Invocations handed to the sandbox, by whether the app version had to be loaded first (cold) or not (warm)',
      labelNames: ['start'],
      registers,
    });
    this.cold = starts.cell('cold');
    this.warm = starts.cell('warm');
    this.limitKills = new Counter({
      name: 'portico_sandbox_limit_kills_total',
      help: 'Sandbox host processes killed because an invocation overran a limit, by limit',
      labelNames: ['reason'],
      registers,
    });
    // Every reason exists from the start, so a rate() over them works before the first kill.
    this.limitKills.labels('time').inc(0);
    this.limitKills.labels('memory').inc(0);
    this.limitKills.labels('cpu').inc(0);
    // `collect` runs with the gauge as `this`; these read the sources set later by `watch*`.
    const pool = () => this.pool;
    const queueDepth = () => this.queueDepth;
    new Gauge({
      name: 'portico_sandbox_processes',
      help: 'Sandbox host processes by state: busy (running invocations), idle (holding an app), spare (no app yet)',
      labelNames: ['state'],
      registers,
      collect() {
        const hosts = pool()?.hosts() ?? [];
        let busy = 0;
        let idle = 0;
        let spare = 0;
        for (const host of hosts) {
          if (host.running > 0) busy++;
          else if (host.appId === null) spare++;
          else idle++;
        }
        this.set({ state: 'busy' }, busy);
        this.set({ state: 'idle' }, idle);
        this.set({ state: 'spare' }, spare);
      },
    });
    new Gauge({
      name: 'portico_worker_queue_jobs',
      help: "Jobs in this worker pool's queue by state (cluster mode; read from Redis at scrape time)",
      labelNames: ['state'],
      registers,
      async collect() {
        const source = queueDepth();
        if (source === undefined) return;
        let counts: Record<string, number>;
        try {
          counts = await source();
        } catch {
          // Redis away: no values this scrape (readiness reports the outage) rather than a failed scrape.
          this.reset();
          return;
        }
        for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
      },
    });
  }

  /** The pool whose processes `portico_sandbox_processes` counts. */
  watchPool(pool: SandboxPoolView): void {
    this.pool = pool;
  }

  /** Where `portico_worker_queue_jobs` comes from (cluster mode only). */
  watchQueue(source: QueueDepthSource): void {
    this.queueDepth = source;
  }

  /** One invocation finished (whatever happened to it): its run time and outcome. */
  invocationFinished(result: { error?: unknown }, seconds: number): void {
    (result.error === undefined ? this.ok : this.failed).observe(seconds);
  }

  /** The sandbox ran an invocation; `cold` when it had to load the app's version first. */
  sandboxRan(cold: boolean): void {
    (cold ? this.cold : this.warm).inc();
  }

  /** A worker took a job `seconds` after it was enqueued. */
  jobWaited(seconds: number): void {
    this.wait.observe(Math.max(0, seconds));
  }

  /** The pool killed a host process for overrunning a limit. */
  limitKill(reason: LimitKillReason): void {
    this.limitKills.labels(reason).inc();
  }
}
