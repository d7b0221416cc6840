import ivm from 'isolated-vm';
import { GuestMessage, type GuestBridgeFn, type GuestDispatchFn } from '../guest/guest-message.constants';
import { guestScript } from '../guest/guest-script';
import {
  EngineFault,
  type EngineEnvironment,
  type EnvironmentOptions,
  type SandboxEngine,
} from './sandbox-engine.port';

const SCRIPT_NAME = 'portico:guest-runtime.js';

/** The guest script's completion value (see guest-script.ts). */
type GuestBoot = (bridge: unknown, bundleJson: string, messages: typeof GuestMessage) => GuestDispatchFn;

/** `compileScriptSync` sets `cachedData` on the script it returns (its typings omit it). */
type CompiledScript = ivm.Script & ivm.CachedDataResult;

/**
 * isolated-vm engine: one V8 isolate (own heap, hard `memoryLimit`) and one context per app version.
 * Calls cross with `applySync` on the host's main thread: about 3 µs a call, against 50 µs for the
 * async `apply`, which hops to a thread pool. A guest that never returns blocks the host, which is
 * why wall time is enforced by the pool (SIGKILL), not here.
 */
export class IsolatedVmEngine implements SandboxEngine {
  readonly name = 'isolated-vm' as const;

  /** isolated-vm runs the isolate's microtasks before `applySync` returns. */
  afterGuestWork(fn: () => void): void {
    fn();
  }
  /** V8 code cache of the guest script: compiled once per process, reused by every isolate. */
  private cachedData: ivm.ExternalCopy<ArrayBuffer> | undefined;

  /** Compiles the guest script in a throwaway isolate, so the first app load reuses the code cache. */
  warmUp(): void {
    const isolate = new ivm.Isolate({ memoryLimit: 32 });
    try {
      const script = isolate.compileScriptSync(guestScript(), {
        filename: SCRIPT_NAME,
        produceCachedData: true,
      }) as CompiledScript;
      this.cachedData ??= script.cachedData;
    } finally {
      isolate.dispose();
    }
  }

  createEnvironment(options: EnvironmentOptions): EngineEnvironment {
    const isolate = new ivm.Isolate({ memoryLimit: options.memoryMb });
    try {
      const context = isolate.createContextSync();
      const script = isolate.compileScriptSync(guestScript(), {
        filename: SCRIPT_NAME,
        ...(this.cachedData ? { cachedData: this.cachedData } : { produceCachedData: true }),
      }) as CompiledScript;
      if (!this.cachedData && script.cachedData) this.cachedData = script.cachedData;
      const boot = script.runSync(context, { reference: true }) as ivm.Reference<GuestBoot>;
      const bridge = options.bridge;
      const dispatch = boot.applySync(
        undefined,
        [
          new ivm.Callback(
            (kind: number, id: number, aux: number, text: string, data?: string | Uint8Array) =>
              bridge(kind, id, aux, text, data),
          ),
          options.bundleJson,
          new ivm.ExternalCopy(GuestMessage).copyInto({ release: true }),
        ],
        { result: { reference: true } },
      );
      boot.release();
      script.release();
      return new IsolatedVmEnvironment(isolate, context, dispatch, bridge);
    } catch (error) {
      const fault = toFault(isolate, error);
      if (!isolate.isDisposed) isolate.dispose();
      throw fault;
    }
  }
}

class IsolatedVmEnvironment implements EngineEnvironment {
  constructor(
    private readonly isolate: ivm.Isolate,
    private readonly context: ivm.Context,
    private readonly ref: ivm.Reference<GuestDispatchFn>,
    private readonly bridge: GuestBridgeFn,
  ) {}

  dispatch(kind: number, id: number, aux: number, text: string, data?: Uint8Array): void {
    let done: string | undefined;
    try {
      done =
        data === undefined
          ? this.ref.applySync(undefined, [kind, id, aux, text])
          : this.ref.applySync(undefined, [
              kind,
              id,
              aux,
              text,
              new ivm.ExternalCopy(data).copyInto({ release: true }),
            ]);
    } catch (error) {
      // The guest's `dispatch` never throws, so an exception of a live isolate is a promise the guest
      // left rejected and unhandled, rethrown by isolated-vm after `dispatch` returned: the guest's
      // own business. Its return value was lost with the throw; the runtime kept it for `Collect`.
      if (this.isolate.isDisposed) throw toFault(this.isolate, error);
      done = this.collect(id, error);
    }
    if (typeof done === 'string') {
      const split = done.indexOf('\n');
      if (split < 0) this.bridge(GuestMessage.Done, id, 0, done);
      else this.bridge(GuestMessage.Done, id, 0, done.slice(0, split), done.slice(split + 1));
    }
  }

  /** The `Done` text of invocation `id` if its `Invoke` call finished it before throwing. */
  private collect(id: number, error: unknown): string | undefined {
    try {
      return this.ref.applySync(undefined, [GuestMessage.Collect, id, 0, '']);
    } catch {
      throw toFault(this.isolate, error);
    }
  }

  dispose(): void {
    if (this.isolate.isDisposed) return;
    this.ref.release();
    this.context.release();
    this.isolate.dispose();
  }
}

function toFault(isolate: ivm.Isolate, error: unknown): EngineFault {
  if (isolate.isDisposed) return new EngineFault('MemoryLimitExceeded', 'memory limit exceeded');
  return new EngineFault('InternalServerError', error instanceof Error ? error.message : String(error));
}
