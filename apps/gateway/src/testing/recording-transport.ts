import type { InvocationJob, InvocationResult, InvocationTransport } from '@portico/contracts';

/** Answers every job with a canned 200 JSON body unless a test says otherwise. */
export const okResult = (job: InvocationJob): InvocationResult => ({
  requestId: job.requestId,
  response: { status: 200, headers: { 'Content-Type': ['application/json'] }, body: Buffer.from('{"ok":1}') },
  logs: [],
  durationMs: 0,
  cold: false,
});

/** An `InvocationTransport` that records the jobs it gets and answers with `respond` (default `okResult`). */
export class RecordingTransport implements InvocationTransport {
  readonly jobs: InvocationJob[] = [];
  respond: (job: InvocationJob) => InvocationResult | Promise<InvocationResult> = okResult;

  async invoke(job: InvocationJob): Promise<InvocationResult> {
    this.jobs.push(job);
    return this.respond(job);
  }

  get lastJob(): InvocationJob {
    const job = this.jobs.at(-1);
    if (job === undefined) throw new Error('no job was invoked');
    return job;
  }
}
