import { EJSON } from 'bson';
import type { FunctionBundle, InvocationJob, InvocationResult } from '@portico/contracts';
import { PLATFORM_CALL_FUNCTION } from '../users/platform-function';
import { ruleDenial } from './invocation-rules';
import { ruleFunctionCaller } from './rule-functions';

describe('ruleFunctionCaller (%function in can_evaluate, reference §3.3)', () => {
  const bundle: FunctionBundle = {
    appId: 'rules-abcde',
    appName: 'rules',
    version: 1,
    created_at: '2026-01-01T00:00:00.000Z',
    limits: { timeout_ms: 1000, memory_mb: 64, max_request_bytes: 1000 },
    functions: { open: { source: 'exports = () => 1', private: false } },
    values: {},
    environment: { tag: '', values: {} },
    services: ['mongodb-atlas'],
  };
  const job: InvocationJob = {
    requestId: 'r1',
    appId: bundle.appId,
    version: 1,
    functionName: 'open',
    deadline: Date.now() + 10_000,
    request: {
      method: 'GET',
      route: '/open',
      headers: { 'X-Token': ['t-1'] },
      query: {},
      rawQueryString: '',
      remoteIPAddress: '10.0.0.1',
      body: null,
    },
    endpoint: { route: '/open', httpMethod: 'GET', respondResult: true },
    responseFormat: 'JSON',
    user: { id: 'u1', type: 'normal', data: {}, custom_data: {}, identities: [] },
    runAsSystem: false,
    canEvaluate: {
      '%%true': { '%function': { name: 'tokenOk', arguments: ['%%request.requestHeaders.X-Token'] } },
    },
  };
  const answer = (value: unknown): InvocationResult => ({
    requestId: 'r1',
    response: {
      status: 200,
      headers: {},
      body: Buffer.from(EJSON.stringify(value, { relaxed: false })),
    },
    logs: [],
    durationMs: 1,
    cold: false,
  });

  it('runs the named function through the platform call, without the request’s conditions, and uses its result', async () => {
    const seen: InvocationJob[] = [];
    const run = (allow: unknown) => (call: InvocationJob) => {
      seen.push(call);
      return Promise.resolve(answer(allow));
    };
    await expect(ruleDenial(job, bundle, ruleFunctionCaller(job, run(true)))).resolves.toBeUndefined();
    await expect(ruleDenial(job, bundle, ruleFunctionCaller(job, run(0)))).resolves.toMatchObject({
      error: { code: 'NoMatchingRule', status: 401 },
    });
    expect(seen).toHaveLength(2);
    const [call] = seen;
    expect(call.functionName).toBe(PLATFORM_CALL_FUNCTION);
    expect(call.canEvaluate).toBeUndefined();
    expect(call.runAsSystem).toBe(true);
    expect(EJSON.parse(Buffer.from(call.request.body as Uint8Array).toString('utf8'))).toEqual({
      name: 'tokenOk',
      args: [['t-1']],
    });
  });

  it('denies when the function throws, and logs why for the app owner only', async () => {
    const run = () =>
      Promise.resolve<InvocationResult>({
        requestId: 'r1',
        error: { code: 'FunctionExecutionError', message: 'Error: boom', status: 400 },
        logs: [],
        durationMs: 1,
        cold: false,
      });
    const denial = await ruleDenial(job, bundle, ruleFunctionCaller(job, run));
    expect(denial?.error).toEqual({
      code: 'NoMatchingRule',
      status: 401,
      message: 'rule not matched for request',
    });
    expect(denial?.logs).toEqual([
      "error: can_evaluate could not be evaluated: %function 'tokenOk' failed: FunctionExecutionError: Error: boom",
    ]);
  });
});
