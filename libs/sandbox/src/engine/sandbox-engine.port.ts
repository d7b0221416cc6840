import type { GuestBridgeFn } from '../guest/guest-message.constants';

/** Engines a sandbox host can run guest code with; isolated-vm is the default (docs/security.md). */
export const SANDBOX_ENGINES = ['isolated-vm', 'vm2'] as const;
export type SandboxEngineName = (typeof SANDBOX_ENGINES)[number];

/** What an engine needs to set up one app version. */
export interface EnvironmentOptions {
  /** Heap limit of the environment in MB (`bundle.limits.memory_mb`). */
  memoryMb: number;
  /** The `FunctionBundle` as JSON, handed to the guest runtime as is. */
  bundleJson: string;
  /** Receives every guest → host message (`Done`, `HostCall`), arguments copied by value. */
  bridge: GuestBridgeFn;
}

/** One app version's isolated environment: the guest runtime evaluated once, called per message. */
export interface EngineEnvironment {
  /**
   * Delivers one host → guest message (`GuestMessage.Invoke`, `HostReply`, `HostError`) to the guest
   * runtime's `dispatch`. Guest code and the microtasks it queues run before this returns; anything
   * the guest produces comes back through the bridge (a `Done` text that `dispatch` returned is
   * passed on to the bridge by the engine). Throws `EngineFault` when the environment broke.
   */
  dispatch(kind: number, id: number, aux: number, text: string, data?: Uint8Array): void;
  dispose(): void;
}

/**
 * The sandbox engine port (DESIGN "Sandbox"): it only evaluates code and exposes one bridge; all
 * crossing is by value. Every engine runs the same guest runtime (`guestScript()`).
 */
export interface SandboxEngine {
  readonly name: SandboxEngineName;
  /**
   * Calls `fn` once the guest work of the dispatch that just returned is over, microtasks included:
   * at once where they run inside `dispatch` (isolated-vm); after the host's own microtask queue has
   * drained where guest promises are the host's (vm2). Never, if the guest keeps queueing them.
   */
  afterGuestWork(fn: () => void): void;
  /** Optional one-off preparation at process start (e.g. compiling the guest script). */
  warmUp?(): void;
  createEnvironment(options: EnvironmentOptions): EngineEnvironment;
}

/** The environment cannot go on: its heap limit was hit, or the engine itself failed. */
export class EngineFault extends Error {
  constructor(
    readonly code: 'MemoryLimitExceeded' | 'InternalServerError',
    message: string,
  ) {
    super(message);
    this.name = 'EngineFault';
  }
}
