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

const MAX_RESPAWN_DELAY_MS = 5_000;
/** How long `close()` lets hosts exit on their own before killing them. */
const CLOSE_GRACE_MS = 1_000;

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
    this.command = hostCommand(
      options.engine,
      options.hostHeapMb ?? DEFAULT_HOST_HEAP_MB,
      options.hostNodeOptions ?? [],
    );
    this.ensureSpare();
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
      const host = this.acquire(own === 0);
      if (host) {
        host.appId = appId;
        this.ensureSpare();
        return host;
      }
    }
    return best ?? null;
  }

  /** An unassigned host: the spare, a new process, or (for an app with none) an idle one of another app. */
  private acquire(mayEvict: boolean): Host | null {
    const spare = this.hostList.find((h) => h.appId === null && h.alive);
    if (spare) return spare;
    if (this.hostList.length < this.maxProcesses) return this.spawn();
    if (!mayEvict) return null;
    let lru: Host | undefined;
    for (const host of this.hostList) {
      if (host.alive && host.running.size === 0 && (lru === undefined || host.lastUsed < lru.lastUsed))
        lru = host;
    }
    if (lru === undefined) return null;
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
    const inFlight = host.versions.get(version);
    if (inFlight === undefined) {
      host.send(FrameType.Load, 0, version, JSON.stringify(bundle));
      pending.cold = true;
    }
    host.versions.set(version, (inFlight ?? 0) + 1);
    if (version > host.latestVersion) {
      host.latestVersion = version;
      this.unloadIdleVersions(host);
    }
    host.running.set(pending.id, pending);
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
        if (pending) this.settle(pending, decodeGuestResult(frame.head, frame.body));
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
    this.settle(pending, { error: InvocationFailures.timeLimit(), logs: [] });
    // The guest may be stuck in a loop the host cannot interrupt: only a new process is safe.
    this.replace(host, 'invocation exceeded its time limit');
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
    for (const pending of host.running.values())
      this.settle(pending, { error: InvocationFailures.hostRestarted(), logs: [] });
    host.running.clear();
    if (this.closed) return;
    if (!host.ready) this.earlyDeaths++;
    this.logger.warn({ pid: host.pid, appId: host.appId, reason }, 'sandbox host replaced');
    this.ensureSpare();
    this.drain();
  }

  private spawn(): Host {
    const host: Host = new HostProcess<PendingInvocation>(this.command, this.logger, {
      onReady: () => (this.earlyDeaths = 0),
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
