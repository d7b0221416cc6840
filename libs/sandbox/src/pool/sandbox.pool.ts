import { performance } from 'node:perf_hooks';
import {
  ErrorCode,
  PorticoError,
  type FunctionBundle,
  type InvocationFailure,
  type InvocationJob,
  type InvocationResult,
} from '@portico/contracts';
import { SANDBOX_ENGINES } from '../engine/sandbox-engine.port';
import { CPU_LIMIT_SIGNAL } from '../host/cpu-budgets';
import type { Frame } from '../protocol/frame.codec';
import { FrameType } from '../protocol/frame.constants';
import {
  DEFAULT_HOST_HEAP_MB,
  stderrLogger,
  type SandboxLogger,
  type SandboxPoolOptions,
} from '../sandbox-pool.options';
import type { HostCallHandler, SandboxRunner } from '../sandbox.port';
import { decodeGuestResult } from './guest-result.codec';
import { encodeGuestJob } from './guest-job.codec';
import { hostCommand, type HostCommand } from './host-command';
import { maxResponseBytes, sandboxBundleJson } from './sandbox-bundle';
import { HostProcess } from './host.process';
import { InvocationFailures } from './invocation-failures';
import type { PendingInvocation } from './pending-invocation';

type Host = HostProcess<PendingInvocation>;

/** A host as `SandboxPool.hosts()` reports it. */
export interface SandboxHostInfo {
  pid: number;
  appId: string | null;
  ready: boolean;
  /** Invocations in flight. */
  running: number;
  /** App versions loaded. */
  versions: number[];
}

/** Host processes dying before Ready this many times in a row: the pool cannot run anything. */
const UNHEALTHY_AFTER_EARLY_DEATHS = 3;
const MAX_RESPAWN_DELAY_MS = 5_000;
/** How long `close()` lets hosts exit on their own before killing them. */
const CLOSE_GRACE_MS = 1_000;
/**
 * How long an app whose process was killed for overrunning a limit is treated as noisy: it gets new
 * processes started for it rather than the pre-started spare (which other apps' cold starts rely on,
 * and which an app spinning into its time limit would otherwise take every time), and its processes
 * run at a lower OS priority, so they get the CPU only when other apps leave it free (noisy
 * neighbours, issue [P3] item 6). Such a process is never handed to another app afterwards.
 */
const OVERRUN_NO_SPARE_MS = 30_000;

/**
 * Runs invocations in sandbox host processes (DESIGN "Sandbox"): one app per process at a time,
 * an app's invocations go to its warm processes, at most `maxProcessesPerApp` per app and
 * `maxProcesses` in all (the least recently used idle process of another app is reassigned when full),
 * plus one pre-started spare. Wall time is enforced here: an overrunning host is SIGKILLed and replaced.
 * `run` never rejects: every outcome is an `InvocationResult`.
 */
export class SandboxPool implements SandboxRunner {
  private readonly hostList: Host[] = [];
  private readonly waiting: PendingInvocation[] = [];
  private readonly command: HostCommand;
  private readonly logger: SandboxLogger;
  private readonly maxProcesses: number;
  private readonly maxPerApp: number;
  private readonly keepSpare: boolean;
  private nextId = 0;
  private closed = false;
  /** Hosts that died before becoming ready, in a row: slows respawning down in a crash loop. */
  private earlyDeaths = 0;
  private respawnTimer: NodeJS.Timeout | undefined;
  /** App id → until when it gets no spare (see `OVERRUN_NO_SPARE_MS`). */
  private readonly overran = new Map<string, number>();
  private readonly onLimitKill: NonNullable<SandboxPoolOptions['onLimitKill']>;

  constructor(options: SandboxPoolOptions) {
    if (!(SANDBOX_ENGINES as readonly string[]).includes(options.engine)) {
      throw new PorticoError(
        ErrorCode.InternalServerError,
        `unknown sandbox engine: ${String(options.engine)}`,
        500,
      );
    }
    if (!Number.isInteger(options.maxProcesses) || options.maxProcesses < 1) {
      throw new PorticoError(ErrorCode.InternalServerError, 'maxProcesses must be an integer >= 1', 500);
    }
    if (!Number.isInteger(options.maxProcessesPerApp) || options.maxProcessesPerApp < 1) {
      throw new PorticoError(
        ErrorCode.InternalServerError,
        'maxProcessesPerApp must be an integer >= 1',
        500,
      );
    }
    this.maxProcesses = options.maxProcesses;
    this.maxPerApp = Math.min(options.maxProcessesPerApp, options.maxProcesses);
    this.logger = options.logger ?? stderrLogger;
    this.keepSpare = options.spare ?? true;
    this.onLimitKill = options.onLimitKill ?? (() => undefined);
    this.command = hostCommand(
      options.engine,
      options.hostHeapMb ?? DEFAULT_HOST_HEAP_MB,
      options.hostNodeOptions ?? [],
    );
    this.ensureSpare();
  }

  isHealthy(): boolean {
    return this.earlyDeaths < UNHEALTHY_AFTER_EARLY_DEATHS;
  }

  run(bundle: FunctionBundle, job: InvocationJob, hostCalls: HostCallHandler): Promise<InvocationResult> {
    const started = performance.now();
    if (this.closed) return Promise.resolve(this.failed(job, started, InvocationFailures.poolClosed()));
    const wallMs = Math.min(job.deadline - Date.now(), bundle.limits.timeout_ms);
    if (!(wallMs > 0)) return Promise.resolve(this.failed(job, started, InvocationFailures.deadlinePassed()));
    return new Promise<InvocationResult>((resolve) => {
      this.nextId = this.nextId >= 0xfffffffe ? 1 : this.nextId + 1;
      const pending: PendingInvocation = {
        id: this.nextId,
        bundle,
        job,
        hostCalls,
        resolve,
        started,
        timer: undefined,
        host: undefined,
        cold: false,
        settled: false,
      };
      pending.timer = setTimeout(() => this.onTimeout(pending), wallMs);
      try {
        const host = this.pick(bundle.appId);
        if (host) this.start(pending, host);
        else this.waiting.push(pending);
      } catch (error) {
        this.logger.error({ err: String(error), appId: bundle.appId }, 'sandbox pool failed to dispatch');
        this.settle(pending, { error: InvocationFailures.internal('sandbox pool error'), logs: [] });
      }
    });
  }

  /** The host processes and what they hold (for health checks and tests). */
  hosts(): SandboxHostInfo[] {
    return this.hostList.map((h) => ({
      pid: h.pid,
      appId: h.appId,
      ready: h.ready,
      running: h.running.size,
      versions: [...h.versions.keys()].sort((a, b) => a - b),
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.respawnTimer);
    for (const pending of this.waiting.splice(0))
      this.settle(pending, { error: InvocationFailures.poolClosed(), logs: [] });
    const hosts = this.hostList.splice(0);
    for (const host of hosts) {
      for (const pending of host.running.values())
        this.settle(pending, { error: InvocationFailures.poolClosed(), logs: [] });
    }
    await Promise.all(hosts.map((h) => h.stop(CLOSE_GRACE_MS)));
  }

  /** Chooses a host for the app, or null when every host is busy with other apps. */
  private pick(appId: string): Host | null {
    let best: Host | undefined;
    let own = 0;
    for (const host of this.hostList) {
      if (host.appId !== appId || !host.alive) continue;
      own++;
      if (best === undefined || host.running.size < best.running.size) best = host;
    }
    if (best !== undefined && best.running.size === 0) return best;
    if (own < this.maxPerApp) {
      const host = this.acquire(appId, own === 0);
      if (host) {
        host.appId = appId;
        this.ensureSpare();
        return host;
      }
    }
    return best ?? null;
  }

  /** An unassigned host: the spare, a new process, or (for an app with none) an idle one of another app. */
  private acquire(appId: string, firstForApp: boolean): Host | null {
    const spare = this.hostList.find((h) => h.appId === null && h.alive);
    const room = this.hostList.length < this.maxProcesses;
    // With room for a process of its own, an app scaling out takes the spare only when it is up
    // (else it would only wait for it all the same, and leave the next app's cold start none),
    // and an app that overran does not take it at all.
    const keepSpare = room && (this.recentlyOverran(appId) || (!firstForApp && !spare?.ready));
    if (spare && !keepSpare) return spare;
    if (room) return this.spawn();
    if (spare) return spare;
    if (!firstForApp) return null;
    let lru: Host | undefined;
    for (const host of this.hostList) {
      if (host.alive && host.running.size === 0 && (lru === undefined || host.lastUsed < lru.lastUsed))
        lru = host;
    }
    if (lru === undefined) return null;
    if (lru.deprioritized) {
      // Its low priority cannot be undone: a fresh process takes its place. Idle, so nothing fails.
      this.hostList.splice(this.hostList.indexOf(lru), 1);
      lru.alive = false;
      lru.kill();
      return this.spawn();
    }
    lru.send(FrameType.Reset, 0, 0);
    lru.versions.clear();
    lru.latestVersion = -1;
    lru.appId = null;
    return lru;
  }

  private start(pending: PendingInvocation, host: Host): void {
    const { bundle, job } = pending;
    const version = bundle.version;
    host.lastUsed = performance.now();
    pending.host = host;
    if (!host.deprioritized && this.recentlyOverran(bundle.appId)) host.deprioritize();
    const inFlight = host.versions.get(version);
    if (inFlight === undefined) {
      host.send(FrameType.Load, 0, version, sandboxBundleJson(bundle));
      pending.cold = true;
    }
    host.versions.set(version, (inFlight ?? 0) + 1);
    if (version > host.latestVersion) {
      host.latestVersion = version;
      this.unloadIdleVersions(host);
    }
    host.running.set(pending.id, pending);
    // A process still starting is the platform's time, not the function's: only the caller's
    // deadline runs until it is up (then `onHostReady` starts the function's own clock).
    if (!host.ready) this.armTimer(pending, pending.job.deadline - Date.now());
    host.send(FrameType.Invoke, pending.id, version, encodeGuestJob(job), job.request.body ?? undefined);
  }

  private unloadIdleVersions(host: Host): void {
    for (const [version, count] of host.versions) {
      if (count === 0 && version !== host.latestVersion) {
        host.versions.delete(version);
        host.send(FrameType.Unload, 0, version);
      }
    }
  }

  private onFrame(host: Host, frame: Frame): void {
    switch (frame.type) {
      case FrameType.Done: {
        const pending = host.running.get(frame.id);
        if (pending === undefined) return;
        // The guest enforces the limit before the body crosses; this holds if the guest was subverted.
        const limit = maxResponseBytes(pending.bundle);
        if (frame.body.length > limit)
          this.settle(pending, { error: InvocationFailures.responseTooLarge(limit), logs: [] });
        else this.settle(pending, decodeGuestResult(frame.head, frame.body));
        return;
      }
      case FrameType.HostCall:
        this.hostCall(host, frame);
        return;
      case FrameType.Fatal: {
        const pending = host.running.get(frame.id);
        this.logger.warn(
          { pid: host.pid, appId: host.appId, fatal: frame.head },
          'sandbox host reported a fatal error',
        );
        if (pending) this.settle(pending, { error: InvocationFailures.memoryLimit(), logs: [] });
        this.onLimitKill('memory', host.appId);
        this.markOverran(host.appId);
        this.replace(host, 'fatal error in the host');
        return;
      }
    }
  }

  private hostCall(host: Host, frame: Frame): void {
    const { id, aux } = frame;
    const pending = host.running.get(id);
    if (pending === undefined) {
      host.send(FrameType.HostError, id, aux, '', 'the invocation has already finished');
      return;
    }
    let result: Promise<string>;
    try {
      result = pending.hostCalls({ op: frame.head, args: frame.body.toString('utf8') });
    } catch (error) {
      result = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    result.then(
      (value) => {
        if (!host.alive || pending.settled) return;
        if (typeof value === 'string') host.send(FrameType.HostReply, id, aux, '', value);
        else host.send(FrameType.HostError, id, aux, '', 'host call returned no EJSON text');
      },
      (error: unknown) => {
        if (!host.alive || pending.settled) return;
        host.send(FrameType.HostError, id, aux, '', error instanceof Error ? error.message : String(error));
      },
    );
  }

  private onTimeout(pending: PendingInvocation): void {
    if (pending.settled) return;
    pending.timer = undefined;
    const host = pending.host;
    if (host === undefined) {
      // Still waiting for a host: not the tenant's doing.
      const at = this.waiting.indexOf(pending);
      if (at >= 0) this.waiting.splice(at, 1);
      this.settle(pending, { error: InvocationFailures.deadlinePassed(), logs: [] });
      return;
    }
    if (!host.ready) {
      // The caller's deadline passed while the process was starting: not the tenant's doing, but the
      // invocation is already queued in that process, so it goes too.
      this.settle(pending, { error: InvocationFailures.deadlinePassed(), logs: [] });
      this.replace(host, 'deadline passed while the host was starting');
      return;
    }
    this.settle(pending, { error: InvocationFailures.timeLimit(), logs: [] });
    this.onLimitKill('time', host.appId);
    // The guest may be stuck in a loop the host cannot interrupt: only a new process is safe.
    this.markOverran(host.appId);
    this.replace(host, 'invocation exceeded its time limit');
  }

  private armTimer(pending: PendingInvocation, ms: number): void {
    clearTimeout(pending.timer);
    pending.timer = setTimeout(() => this.onTimeout(pending), Math.max(0, ms));
  }

  /** The invocations sent to a starting process get their wall time from now on. */
  private onHostReady(host: Host): void {
    this.earlyDeaths = 0;
    for (const pending of host.running.values())
      this.armTimer(pending, Math.min(pending.job.deadline - Date.now(), pending.bundle.limits.timeout_ms));
  }

  private recentlyOverran(appId: string): boolean {
    const until = this.overran.get(appId);
    if (until === undefined) return false;
    if (until > performance.now()) return true;
    this.overran.delete(appId);
    return false;
  }

  private markOverran(appId: string | null): void {
    if (appId === null) return;
    const now = performance.now();
    // Bounded by the apps that overran within the window; expired entries go when the map grows.
    if (this.overran.size >= 1_000)
      for (const [id, until] of this.overran) if (until <= now) this.overran.delete(id);
    this.overran.set(appId, now + OVERRUN_NO_SPARE_MS);
    for (const host of this.hostList) if (host.appId === appId) host.deprioritize();
  }

  /** Kills a host, fails what still ran in it and starts a replacement. */
  private replace(host: Host, reason: string): void {
    host.kill();
    this.onExit(host, reason);
  }

  private onExit(host: Host, reason: string): void {
    host.alive = false;
    const at = this.hostList.indexOf(host);
    if (at < 0) return;
    this.hostList.splice(at, 1);
    // Aborted: its heap or resident memory ran over (see `HostProcess.exitSignal`). Under vm2 that is
    // how a guest's memory overrun ends; the process is shared, so every invocation in it fails so.
    // Ended with the CPU signal: an invocation used up its `cpu_ms` (host/cpu-budgets.ts).
    const limit =
      host.exitSignal === 'SIGABRT' ? 'memory' : host.exitSignal === CPU_LIMIT_SIGNAL ? 'cpu' : undefined;
    if (limit !== undefined) {
      this.onLimitKill(limit, host.appId);
      this.markOverran(host.appId);
    }
    const error =
      limit === 'memory'
        ? InvocationFailures.memoryLimit()
        : limit === 'cpu'
          ? InvocationFailures.cpuLimit()
          : InvocationFailures.hostRestarted();
    for (const pending of host.running.values()) this.settle(pending, { error, logs: [] });
    host.running.clear();
    if (this.closed) return;
    if (!host.ready) this.earlyDeaths++;
    this.logger.warn({ pid: host.pid, appId: host.appId, reason }, 'sandbox host replaced');
    this.ensureSpare();
    this.drain();
  }

  private spawn(): Host {
    const host: Host = new HostProcess<PendingInvocation>(this.command, this.logger, {
      onReady: (h) => this.onHostReady(h),
      onFrame: (h, frame) => this.onFrame(h, frame),
      onExit: (h, reason) => this.onExit(h, reason),
    });
    this.hostList.push(host);
    return host;
  }

  /** Keeps one unassigned host started, within `maxProcesses`; backs off while hosts die at start. */
  private ensureSpare(): void {
    if (this.closed || !this.keepSpare || this.respawnTimer !== undefined) return;
    if (this.hostList.length >= this.maxProcesses || this.hostList.some((h) => h.appId === null)) return;
    if (this.earlyDeaths === 0) {
      this.spawn();
      return;
    }
    const delay = Math.min(MAX_RESPAWN_DELAY_MS, 100 * 2 ** (this.earlyDeaths - 1));
    this.respawnTimer = setTimeout(() => {
      this.respawnTimer = undefined;
      if (this.closed) return;
      if (this.hostList.length < this.maxProcesses && !this.hostList.some((h) => h.appId === null))
        this.spawn();
      this.drain();
    }, delay);
  }

  /** Starts waiting invocations that can now get a host. */
  private drain(): void {
    for (let i = 0; i < this.waiting.length;) {
      const pending = this.waiting[i];
      const host = this.pick(pending.bundle.appId);
      if (host === null) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.start(pending, host);
    }
  }

  private settle(
    pending: PendingInvocation,
    outcome: { response?: InvocationResult['response']; error?: InvocationFailure; logs: string[] },
  ): void {
    if (pending.settled) return;
    pending.settled = true;
    clearTimeout(pending.timer);
    const host = pending.host;
    if (host !== undefined && host.running.delete(pending.id) && host.alive) {
      const version = pending.bundle.version;
      const left = (host.versions.get(version) ?? 1) - 1;
      host.versions.set(version, left);
      if (left === 0 && version !== host.latestVersion) {
        host.versions.delete(version);
        host.send(FrameType.Unload, 0, version);
      }
      host.lastUsed = performance.now();
    }
    const result: InvocationResult = {
      requestId: pending.job.requestId,
      logs: outcome.logs,
      durationMs: Math.round((performance.now() - pending.started) * 1000) / 1000,
      cold: pending.cold,
    };
    if (outcome.error) result.error = outcome.error;
    else result.response = outcome.response;
    pending.resolve(result);
    if (host !== undefined && host.running.size === 0 && this.waiting.length > 0) this.drain();
  }

  private failed(job: InvocationJob, started: number, error: InvocationFailure): InvocationResult {
    return {
      requestId: job.requestId,
      error,
      logs: [],
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      cold: false,
    };
  }
}
