import { InvocationJobWireSchema, InvocationResultWireSchema } from '@portico/contracts';
import { decodeJob, decodeResult, encodeJob, encodeResult } from './invocation-wire.codec';
import { echoResult, makeJob } from './testing/invocation.fixtures';

describe('invocation wire codec', () => {
  it('round-trips a job through JSON with its body bytes and reply channel', () => {
    const job = makeJob();
    const wire = JSON.parse(JSON.stringify(encodeJob(job, 'gw-1'))) as unknown;
    const parsed = InvocationJobWireSchema.parse(wire);
    expect(parsed.replyTo).toBe('gw-1');
    const back = decodeJob(parsed);
    expect(back).not.toHaveProperty('replyTo');
    expect(Array.from(back.request.body ?? [])).toEqual([0, 1, 2, 250, 255, 10]);
    expect({ ...back, request: { ...back.request, body: null } }).toEqual({
      ...job,
      request: { ...job.request, body: null },
    });
  });

  it('encodes a body that is a view into a larger buffer by its own bytes only', () => {
    const big = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const job = makeJob({ request: { ...makeJob().request, body: big.subarray(2, 5) } });
    expect(encodeJob(job, 'gw').request.body).toBe(Buffer.from([1, 2, 3]).toString('base64'));
  });

  it('keeps a null body null both ways', () => {
    const job = makeJob({ request: { ...makeJob().request, body: null } });
    const wire = encodeJob(job, 'gw');
    expect(wire.request.body).toBeNull();
    expect(decodeJob(wire).request.body).toBeNull();
  });

  it('round-trips a result and a failure through JSON', () => {
    const result = echoResult(makeJob());
    const back = decodeResult(
      InvocationResultWireSchema.parse(JSON.parse(JSON.stringify(encodeResult(result)))),
    );
    expect(Array.from(back.response?.body ?? [])).toEqual([0, 1, 2, 250, 255, 10]);
    expect(back.response?.headers).toEqual(result.response?.headers);
    expect(back.logs).toEqual(result.logs);

    const failure = {
      requestId: 'r',
      error: { code: 'FunctionExecutionError' as const, message: 'boom' },
      logs: [],
      durationMs: 2,
      cold: true,
    };
    const failed = decodeResult(
      InvocationResultWireSchema.parse(JSON.parse(JSON.stringify(encodeResult(failure)))),
    );
    expect(failed).toEqual(failure);
    expect(failed).not.toHaveProperty('response');
  });
});
