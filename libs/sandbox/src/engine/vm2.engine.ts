import { VM, VMScript, type VMOptions } from 'vm2';
import { GuestMessage, type GuestBridgeFn } from '../guest/guest-message.constants';
import { guestScript } from '../guest/guest-script';
import { collectGarbage } from './collect-garbage';
import { PeakRss } from './peak-rss';
import { RssWatchdog } from './rss.watchdog';
import { vm2BridgeAdapter, type Vm2Dispatch, type Vm2HostBridge } from './vm2-bridge.runtime';
import {
  EngineFault,
  type EngineEnvironment,
  type EnvironmentOptions,
  type SandboxEngine,
} from './sandbox-engine.port';

/** No leading `/`: vm2 redacts frames of absolute paths as host frames from guest stack traces. */
const SCRIPT_NAME = 'portico-guest-runtime.js';
/** Bounds our own boot scripts (vm2's `timeout` applies to `vm.run` only, not to later calls). */
const BOOT_TIMEOUT_MS = 10_000;
/**
 * Floor of the largest single allocation (vm2's `bufferAllocLimit`, which caps `ArrayBuffer` and
 * every typed array, not only `Buffer`), in MB: bson's bundle allocates a 17 MB buffer at boot.
 */
const MIN_ALLOC_LIMIT_MB = 32;
/** Resident memory the host process may use beyond its size at the last load and its environments' `memory_mb`. */
const HOST_SLACK_MB = 64;

/**
 * What vm2 puts on a sandbox's global object beyond ECMAScript, removed before the guest script
 * runs so the guest's global object is the same as under isolated-vm. `Buffer` is a proxied host
 * Buffer: besides being host surface, bson's bundle would route every byte operation through vm2's
 * membrane with it (each one a bridge check: booting took minutes).
 */
const VM2_GLOBALS = ['Buffer', 'VMError', 'global', 'GLOBAL', 'root'];
const CLEAN_GLOBAL = VM2_GLOBALS.map((name) => `delete globalThis[${JSON.stringify(name)}];`).join(' ');
const ADAPTER = `(${vm2BridgeAdapter.toString()})`;

type Vm2Adapter = (
  boot: unknown,
) => (hostBridge: Vm2HostBridge, bundleJson: string, messagesJson: string) => Vm2Dispatch;

/**
 * vm2 engine: one vm2 `VM` (a V8 context behind vm2's proxy membrane) per app version, inside the
 * host process itself. Unlike isolated-vm there is no separate heap: memory is bounded per host
 * process (`--max-old-space-size` for the JavaScript heap, plus an RSS watchdog for everything else),
 * and V8 ends the whole process on overrun, which the pool reports as MemoryLimitExceeded. Guest
 * promises and microtasks live in the host's realm: `host.main.ts` keeps a late guest rejection from
 * ending the process. Not the default: see docs/security.md.
 */
export class Vm2Engine implements SandboxEngine {
  readonly name = 'vm2' as const;
  /** vm2 transforms and compiles a script once and reuses it in every VM. */
  private readonly script = new VMScript(guestScript(), SCRIPT_NAME);
  private readonly clean = new VMScript(CLEAN_GLOBAL, 'portico-clean-global.js');
  private readonly adapter = new VMScript(ADAPTER, 'portico-bridge-adapter.js');
  private watchdog: RssWatchdog | undefined;
  /** Resident size when the watchdog started (after warm-up), and before the latest load. */
  private startRssMb = 0;
  private baseRssMb = 0;
  private limitMb = Infinity;
  /** Dispatches whose guest code (and the microtasks it queued) may still be running. */
  private running = 0;
  private peak: PeakRss | undefined;
  private readonly memoryMb = new Map<Vm2Environment, number>();

  /** `watchdog: false` only for tests that run the engine inside the test process itself. */
  constructor(private readonly options: { watchdog: boolean } = { watchdog: true }) {}

  /** Compiles the scripts in a throwaway VM and starts the memory watchdog from the host's size then. */
  warmUp(): void {
    const vm = this.newVm(MIN_ALLOC_LIMIT_MB);
    vm.run(this.clean);
    vm.run(this.script);
    vm.run(this.adapter);
    this.startWatchdog();
  }

  createEnvironment(options: EnvironmentOptions): EngineEnvironment {
    this.startWatchdog();
    if (this.watchdog) this.baseRssMb = this.measureBase();
    let dispatch: Vm2Dispatch;
    try {
      const vm = this.newVm(Math.max(MIN_ALLOC_LIMIT_MB, options.memoryMb));
      vm.run(this.clean);
      const boot: unknown = vm.run(this.script);
      const start = (vm.run(this.adapter) as Vm2Adapter)(boot);
      const bridge = options.bridge;
      dispatch = start(
        (kind, id, aux, text, data, binary) => {
          const answer: unknown = bridge(
            kind,
            id,
            aux,
            text,
            binary === 1 && typeof data === 'string' ? Buffer.from(data, 'latin1') : data,
          );
          // What the host answers synchronously (a string) reaches the guest as is; nothing else may
          // cross, or vm2 would hand the guest a proxy of a host object.
          return typeof answer === 'string' ? answer : undefined;
        },
        options.bundleJson,
        JSON.stringify(GuestMessage),
      );
    } catch (error) {
      throw new EngineFault('InternalServerError', error instanceof Error ? error.message : String(error));
    }
    const environment = new Vm2Environment(
      dispatch,
      options.bridge,
      {
        before: () => this.beforeCall(),
        overLimit: () => this.overLimit(),
        after: () => this.afterCall(),
      },
      () => this.release(environment),
    );
    this.memoryMb.set(environment, options.memoryMb);
    this.updateLimit();
    return environment;
  }

  /** A VM whose single allocations stay within `allocLimitMb`, as one could not outgrow an isolate. */
  private newVm(allocLimitMb: number): VM {
    // `eval` stays allowed as under isolated-vm: the runtime compiles tenant functions with it.
    // No `require` (that is NodeVM), no WebAssembly, no `sandbox` objects: the bridge is the only way out.
    const options: VMOptions & { bufferAllocLimit: number } = {
      timeout: BOOT_TIMEOUT_MS,
      eval: true,
      wasm: false,
      allowAsync: true,
      // vm2 3.12's option; its typings do not list it yet.
      bufferAllocLimit: allocLimitMb * 1024 * 1024,
    };
    return new VM(options);
  }

  /**
   * The host's own size before a load. Garbage a previous environment left (a reassigned process
   * served another app) is collected first, so it does not count against the new app; what V8 still
   * does not give back after that is not the new app's doing either, and raises the base.
   */
  private measureBase(): number {
    let rss = rssMb();
    if (rss > this.startRssMb + HOST_SLACK_MB) {
      collectGarbage();
      rss = rssMb();
    }
    return Math.max(this.startRssMb, rss);
  }

  private startWatchdog(): void {
    if (this.watchdog || !this.options.watchdog) return;
    this.startRssMb = rssMb();
    this.baseRssMb = this.startRssMb;
    this.watchdog = new RssWatchdog();
    this.peak = new PeakRss();
    this.updateLimit();
  }

  private release(environment: Vm2Environment): void {
    this.memoryMb.delete(environment);
    this.updateLimit();
  }

  /** Each loaded version may use its own `memory_mb`, as it would in its own isolate. */
  private updateLimit(): void {
    let sum = 0;
    for (const mb of this.memoryMb.values()) sum += mb;
    this.limitMb = this.baseRssMb + HOST_SLACK_MB + sum;
    if (this.running > 0) this.watchdog?.setLimitMb(this.limitMb);
  }

  /**
   * Before a call: garbage earlier calls left beyond the limit is collected (V8 collects lazily
   * in a heap shared by all), and the peak is reset, so the call is measured on its own.
   */
  private beforeCall(): void {
    if (!this.watchdog || !this.peak) return;
    if (rssMb() > this.limitMb) collectGarbage();
    this.peak.reset();
    if (this.running++ === 0) this.watchdog.setLimitMb(this.limitMb);
  }

  /**
   * Guest promises are the host realm's: their reactions run in the host's microtask queue, after
   * `dispatch` returns; `setImmediate` runs once they have drained.
   */
  afterGuestWork(fn: () => void): void {
    setImmediate(fn);
  }

  /**
   * After a call and the guest microtasks it queued.
   * Between calls no guest code runs: what the host does then (receiving and parsing the next
   * bundle, collecting garbage, answering host calls) is not a guest's allocation, and an idle
   * host must not be aborted for it, taking the next app's first call with it.
   */
  private afterCall(): void {
    if (!this.watchdog) return;
    this.afterGuestWork(() => {
      if (--this.running === 0) this.watchdog?.setLimitMb(0);
    });
  }

  /**
   * Whether the process went over its limit during the call. The watchdog thread checks every few
   * milliseconds, but a spike shorter than that, or a watchdog starved of CPU, would slip through or
   * be caught late (in the next app's call); the kernel's high-water mark does not miss it.
   */
  private overLimit(): boolean {
    if (!this.watchdog || !this.peak) return false;
    return this.peak.peakMb() > this.limitMb;
  }
}

const rssMb = (): number => process.memoryUsage.rss() / 1048576;

class Vm2Environment implements EngineEnvironment {
  private disposed = false;

  constructor(
    private readonly fn: Vm2Dispatch,
    private readonly bridge: GuestBridgeFn,
    private readonly memory: { before(): void; overLimit(): boolean; after(): void },
    private readonly onDispose: () => void,
  ) {}

  dispatch(kind: number, id: number, aux: number, text: string, data?: Uint8Array): void {
    if (this.disposed) throw new EngineFault('InternalServerError', 'environment disposed');
    let done: string | undefined;
    this.memory.before();
    try {
      done = this.dispatchGuarded(kind, id, aux, text, data);
    } finally {
      this.memory.after();
    }
    // What the call left alive counts against the limit, as it would in an isolate of its own.
    if (this.memory.overLimit()) throw new EngineFault('MemoryLimitExceeded', 'memory limit exceeded');
    if (typeof done !== 'string') return;
    const result = done;
    // Guest microtasks run in the host's queue after this returns (isolated-vm runs them inside the
    // call). The returned result goes out once they have run, so a guest that never stops queueing
    // them is stopped by the time limit, as under isolated-vm, instead of answering and then hanging.
    setImmediate(() => this.deliver(id, result));
  }

  private dispatchGuarded(
    kind: number,
    id: number,
    aux: number,
    text: string,
    data: Uint8Array | undefined,
  ): string | undefined {
    try {
      return this.fn(
        kind,
        id,
        aux,
        text,
        data === undefined
          ? undefined
          : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1'),
      );
    } catch (error) {
      // The runtime's `dispatch` never throws; something below it did (vm2's membrane, a stack
      // overflow in the adapter). Keep a result the invocation computed, as isolated-vm does.
      return this.collect(id, error);
    }
  }

  private deliver(id: number, done: string): void {
    const split = done.indexOf('\n');
    if (split < 0) this.bridge(GuestMessage.Done, id, 0, done);
    else this.bridge(GuestMessage.Done, id, 0, done.slice(0, split), done.slice(split + 1));
  }

  /** The `Done` text of invocation `id` if it finished before the throw; otherwise the throw is a fault. */
  private collect(id: number, error: unknown): string {
    let kept: string | undefined;
    try {
      kept = this.fn(GuestMessage.Collect, id, 0, '');
    } catch {
      kept = undefined;
    }
    if (typeof kept === 'string') return kept;
    throw new EngineFault('InternalServerError', error instanceof Error ? error.message : String(error));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.onDispose();
  }
}
