import type { InvocationJob, InvocationResult, InvocationTransport } from '@portico/contracts';
import type { InvocationService } from './invocation.service';

/**
 * Standalone mode's `InvocationTransport`: the gateway calls the worker's service directly, in the
 * same process — no queue, no serialization (the job's body bytes are handed over as they are).
 * Cluster mode replaces it with the BullMQ transport behind the same port.
 */
export class InProcessInvocationTransport implements InvocationTransport {
  constructor(private readonly invocations: InvocationService) {}

  invoke(job: InvocationJob): Promise<InvocationResult> {
    return this.invocations.invoke(job);
  }
}
