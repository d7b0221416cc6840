import type { FunctionBundle, InvocationJob, InvocationResult } from '@portico/contracts';
import type { HostCallHandler } from '../sandbox.port';
import type { HostProcess } from './host.process';

/** One `run()` call from acceptance to answer. */
export interface PendingInvocation {
  readonly id: number;
  readonly bundle: FunctionBundle;
  readonly job: InvocationJob;
  readonly hostCalls: HostCallHandler;
  readonly resolve: (result: InvocationResult) => void;
  /** `performance.now()` at acceptance. */
  readonly started: number;
  timer: NodeJS.Timeout | undefined;
  /** Set once sent to a host. */
  host: HostProcess<PendingInvocation> | undefined;
  /** The version had to be loaded for it. */
  cold: boolean;
  settled: boolean;
}
