import { GuestMessage } from '../guest/guest-message.constants';
import { EngineFault, type EngineEnvironment, type SandboxEngine } from '../engine/sandbox-engine.port';
import type { Frame } from '../protocol/frame.codec';
import { FrameType } from '../protocol/frame.constants';
import type { CpuBudgets } from './cpu-budgets';
import { SyncCalls } from './sync-calls';

/** Sends one frame to the pool. */
export type SendFrame = (
  type: number,
  id: number,
  aux: number,
  head?: string,
  body?: string | Uint8Array,
) => void;

/**
 * The host side of the pool protocol: keeps one engine environment per loaded app version, runs
 * invocations in them and relays their host calls and results. Knows nothing about tenants beyond
 * the bundles the pool loads into it.
 */
export class SandboxHost {
  private readonly environments = new Map<number, EngineEnvironment | { error: string }>();
  /** Invocation id → version, to route host-call replies into the right environment. */
  private readonly running = new Map<number, number>();
  /** Version → CPU time one invocation may use, ms (`limits.cpu_ms`, filled by the pool). */
  private readonly cpuBudgetMs = new Map<number, number>();
  private broken = false;

  constructor(
    private readonly engine: SandboxEngine,
    private readonly send: SendFrame,
    private readonly cpu: CpuBudgets,
  ) {}

  onFrame(frame: Frame): void {
    if (this.broken) return;
    switch (frame.type) {
      case FrameType.Invoke:
        this.invoke(frame);
        return;
      case FrameType.HostReply:
      case FrameType.HostError:
        this.reply(frame);
        return;
      case FrameType.Load:
        this.load(frame.aux, frame.head);
        return;
      case FrameType.Unload:
        this.unload(frame.aux);
        return;
      case FrameType.Reset:
        for (const version of [...this.environments.keys()]) this.unload(version);
        return;
    }
  }

  private load(version: number, bundleJson: string): void {
    this.unload(version);
    try {
      const bundle = JSON.parse(bundleJson) as {
        limits: { memory_mb: number; cpu_ms?: number | null };
        dependencies?: { files: Record<string, string> };
      };
      // npm dependencies stay here, answered file by file: the guest parses only what it requires.
      const files = bundle.dependencies?.files;
      const syncCalls = new SyncCalls(files);
      if (bundle.dependencies !== undefined)
        bundleJson = JSON.stringify({ ...bundle, dependencies: undefined });
      const cpuMs = bundle.limits.cpu_ms;
      const hasCpuBudget = typeof cpuMs === 'number' && cpuMs > 0;
      if (hasCpuBudget) this.cpu.prepare();
      const environment = this.engine.createEnvironment({
        memoryMb: bundle.limits.memory_mb,
        bundleJson,
        bridge: (kind, id, aux, text, data) =>
          kind === GuestMessage.SyncCall
            ? syncCalls.answer(text, data)
            : this.fromGuest(kind, id, aux, text, data),
      });
      this.environments.set(version, environment);
      if (hasCpuBudget) this.cpuBudgetMs.set(version, cpuMs);
    } catch (error) {
      // Remembered, so each invocation of this version gets an answer instead of a hang.
      this.environments.set(version, { error: error instanceof Error ? error.message : String(error) });
      process.stderr.write(`sandbox host: loading version ${version} failed: ${String(error)}\n`);
    }
  }

  private unload(version: number): void {
    const environment = this.environments.get(version);
    this.environments.delete(version);
    this.cpuBudgetMs.delete(version);
    if (environment !== undefined && !('error' in environment)) environment.dispose();
  }

  private invoke(frame: Frame): void {
    const environment = this.environments.get(frame.aux);
    if (environment === undefined || 'error' in environment) {
      this.fail(frame.id, 'InternalServerError', 'app version could not be loaded in the sandbox');
      return;
    }
    this.running.set(frame.id, frame.aux);
    this.call(
      environment,
      frame.aux,
      frame.id,
      GuestMessage.Invoke,
      0,
      frame.head,
      frame.body.length > 0 ? frame.body : undefined,
    );
  }

  private reply(frame: Frame): void {
    const version = this.running.get(frame.id);
    if (version === undefined) return;
    const environment = this.environments.get(version);
    if (environment === undefined || 'error' in environment) return;
    const kind = frame.type === FrameType.HostReply ? GuestMessage.HostReply : GuestMessage.HostError;
    this.call(environment, version, frame.id, kind, frame.aux, frame.body.toString('utf8'));
  }

  private call(
    environment: EngineEnvironment,
    version: number,
    id: number,
    kind: number,
    aux: number,
    text: string,
    data?: Uint8Array,
  ): void {
    const budgetMs = this.cpuBudgetMs.get(version);
    const token = budgetMs === undefined ? 0 : this.cpu.begin(id, budgetMs);
    try {
      environment.dispatch(kind, id, aux, text, data);
    } catch (error) {
      if (error instanceof EngineFault && error.code === 'MemoryLimitExceeded') {
        // The isolate is gone with every invocation in it: tell the pool, which replaces this process.
        this.broken = true;
        this.send(FrameType.Fatal, id, 0, JSON.stringify({ code: error.code, message: error.message }));
        return;
      }
      process.stderr.write(`sandbox host: guest runtime failed: ${String(error)}\n`);
      this.fail(id, 'InternalServerError', 'sandbox runtime error');
    } finally {
      if (token !== 0) this.endSegment(token, id);
    }
  }

  /** Charges the dispatch's guest work to the invocation, once the microtasks it queued have run. */
  private endSegment(token: number, id: number): void {
    this.engine.afterGuestWork(() => this.cpu.end(token, this.running.has(id)));
  }

  private fail(id: number, code: string, message: string): void {
    this.running.delete(id);
    this.cpu.finish(id);
    this.send(FrameType.Done, id, 0, JSON.stringify({ e: { code, message }, l: [] }));
  }

  private fromGuest(
    kind: number,
    id: number,
    aux: number,
    text: string,
    data?: string | Uint8Array,
  ): undefined {
    if (kind === GuestMessage.Done) {
      this.running.delete(id);
      this.cpu.finish(id);
      this.send(FrameType.Done, id, 0, text, data);
    } else if (kind === GuestMessage.HostCall) {
      this.send(FrameType.HostCall, id, aux, text, data);
    }
    return undefined;
  }
}
