import type { FunctionBundle, InvocationJob, InvocationResult } from '@portico/contracts';

/**
 * A call from guest code out to the platform (a data operation, later `context.http`), made by value:
 * `op` names the operation (e.g. `mongodb.find`), `args` and the resolved value are canonical EJSON
 * text, so BSON types survive the trip and no host object ever reaches the guest.
 * The handler runs in the worker, which alone knows which app the sandbox host is serving, so a guest
 * cannot name another tenant. A rejection reaches the guest as a rejected promise with its message.
 */
export interface HostCall {
  op: string;
  /** Canonical EJSON of the argument array. */
  args: string;
}
export type HostCallHandler = (call: HostCall) => Promise<string>;

/**
 * Runs invocations in sandbox host processes (DESIGN "Sandbox"). Never rejects for anything the
 * tenant did: guest errors, timeouts and memory overruns come back as `InvocationResult.error`.
 */
export interface SandboxRunner {
  run(bundle: FunctionBundle, job: InvocationJob, hostCalls: HostCallHandler): Promise<InvocationResult>;
  /** Stops every host process. */
  close(): Promise<void>;
  /**
   * False while host processes keep dying before they are ready (a broken install, an addon that does
   * not load): nothing could run, so readiness probes report it. Absent in test doubles: healthy.
   */
  isHealthy?(): boolean;
}
export const SANDBOX_RUNNER = Symbol('SandboxRunner');
