import { InvocationJobWireSchema, InvocationResultWireSchema } from '@portico/contracts';
import { decodeJob, decodeResult, encodeJob, encodeResult } from './invocation-wire.codec';
import { makeJob } from './testing/invocation.fixtures';

/** The Data API and can_evaluate fields survive the Redis boundary (cluster mode). */
describe('invocation wire codec: Data API and can_evaluate', () => {
  it('keeps kind, dataApi and canEvaluate of a job through JSON and the worker-side schema', () => {
    const job = makeJob({
      kind: 'data-api',
      dataApi: { action: 'insertOne', version: 'v1' },
      canEvaluate: { '%%request.requestHeaders.x-secret-key': 'my-secret', '%%user.id': { $in: ['a'] } },
    });
    const back = decodeJob(InvocationJobWireSchema.parse(JSON.parse(JSON.stringify(encodeJob(job, 'gw')))));
    expect(back.kind).toBe('data-api');
    expect(back.dataApi).toEqual({ action: 'insertOne', version: 'v1' });
    expect(back.canEvaluate).toEqual(job.canEvaluate);
  });

  it('refuses an unknown Data API action at the boundary', () => {
    const wire = JSON.parse(JSON.stringify(encodeJob(makeJob(), 'gw'))) as Record<string, unknown>;
    wire.dataApi = { action: 'dropDatabase', version: 'v1' };
    expect(InvocationJobWireSchema.safeParse(wire).success).toBe(false);
  });

  it.each(['NoMatchingRule', 'InvalidParameter', 'MissingParameter'] as const)(
    'carries a %s failure with its status',
    (code) => {
      const failure = {
        requestId: 'r',
        error: { code, message: 'm', status: 401 },
        logs: [],
        durationMs: 1,
        cold: false,
      };
      expect(
        decodeResult(InvocationResultWireSchema.parse(JSON.parse(JSON.stringify(encodeResult(failure))))),
      ).toEqual(failure);
    },
  );
});
