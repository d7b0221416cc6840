import { EJSON } from 'bson';
import type { FunctionBundle, InvocationJob, InvocationResult } from '@portico/contracts';
import { DATA_API_USER_SCRIPT_FUNCTION, withPlatformFunctions } from './platform-function';
import { decideScriptUser } from './script-user';

describe('decideScriptUser (Data API Script run mode, reference §3.1)', () => {
  const bundle: FunctionBundle = {
    appId: 'script-abcde',
    appName: 'script',
    version: 2,
    created_at: '2026-01-01T00:00:00.000Z',
    limits: { timeout_ms: 1000, memory_mb: 64, max_request_bytes: 1000 },
    functions: {},
    values: {},
    environment: { tag: '', values: {} },
    services: ['mongodb-atlas'],
    data_api_user_script: 'exports = ({ query }) => query.who',
  };
  const job: InvocationJob = {
    kind: 'data-api',
    requestId: 'r1',
    appId: bundle.appId,
    version: 2,
    functionName: 'find',
    deadline: Date.now() + 10_000,
    request: {
      method: 'POST',
      route: '/data/v1/action/find',
      headers: { 'Content-Type': ['application/json'] },
      query: { who: 'u7' },
      rawQueryString: 'who=u7',
      remoteIPAddress: '10.0.0.1',
      body: Buffer.from('{"collection":"c"}'),
    },
    endpoint: { route: '/data/v1/action/find', httpMethod: 'POST', respondResult: true },
    responseFormat: 'JSON',
    user: { id: '', type: 'normal', data: {}, custom_data: {}, identities: [] },
    runAsSystem: false,
    canEvaluate: { '%%user.id': 'u7' },
    dataApi: { action: 'find', version: 'v1' },
  };
  const answering =
    (value: unknown, seen: InvocationJob[] = []) =>
    (call: InvocationJob): Promise<InvocationResult> => {
      seen.push(call);
      return Promise.resolve({
        requestId: 'r1',
        response: { status: 200, headers: {}, body: Buffer.from(EJSON.stringify(value, { relaxed: false })) },
        logs: [],
        durationMs: 1,
        cold: false,
      });
    };

  it('adds the script to the bundle as a private platform function', () => {
    expect(withPlatformFunctions(bundle).functions[DATA_API_USER_SCRIPT_FUNCTION]).toEqual({
      source: bundle.data_api_user_script,
      private: true,
    });
  });

  it('leaves other jobs alone, with nothing to wait for', () => {
    const run = answering('x');
    expect(decideScriptUser({ ...job, kind: 'function' }, bundle, run)).toBeUndefined();
    expect(decideScriptUser(job, { ...bundle, data_api_user_script: undefined }, run)).toBeUndefined();
  });

  it('runs the script with {query, headers, body}; a string is that user, looked up as run-as', async () => {
    const seen: InvocationJob[] = [];
    const decided = await decideScriptUser(job, bundle, answering('u7', seen));
    expect(decided).toEqual({
      job: expect.objectContaining({
        user: expect.objectContaining({ id: 'u7', type: 'normal' }),
        runAsSystem: false,
        userAuth: { via: 'run-as', userId: 'u7' },
        canEvaluate: job.canEvaluate,
      }),
    });
    const call = EJSON.parse(Buffer.from(seen[0].request.body as Uint8Array).toString('utf8')) as {
      name: string;
      args: [{ query: unknown; headers: unknown; body: { toString(e: string): string } }];
    };
    expect(call.name).toBe(DATA_API_USER_SCRIPT_FUNCTION);
    expect(call.args[0].query).toEqual({ who: 'u7' });
    expect(call.args[0].headers).toEqual({ 'Content-Type': ['application/json'] });
    expect(call.args[0].body.toString('utf8')).toBe('{"collection":"c"}');
    expect(seen[0].canEvaluate).toBeUndefined();
  });

  it('{runAsSystem: true} is system; anything else is 401 InvalidSession with the reason logged', async () => {
    expect(await decideScriptUser(job, bundle, answering({ runAsSystem: true }))).toEqual({
      job: expect.objectContaining({ runAsSystem: true, user: expect.objectContaining({ type: 'system' }) }),
    });
    for (const outcome of [null, '', 42, { runAsSystem: 'yes' }]) {
      expect(await decideScriptUser(job, bundle, answering(outcome))).toEqual({
        error: {
          code: 'InvalidSession',
          message: 'invalid session: error finding user for endpoint',
          status: 401,
        },
        logs: ['error: run_as_user_id_script_source: returned neither a user id nor { runAsSystem: true }'],
      });
    }
    const thrown = await decideScriptUser(job, bundle, () =>
      Promise.resolve({
        requestId: 'r1',
        error: { code: 'FunctionExecutionError', message: 'Error: nope', status: 400 },
        logs: [],
        durationMs: 1,
        cold: false,
      }),
    );
    expect(thrown).toMatchObject({
      error: { code: 'InvalidSession', status: 401 },
      logs: ['error: run_as_user_id_script_source: FunctionExecutionError: Error: nope'],
    });
  });

  it("runs an endpoint function's own script (projected per function) and marks the job decided", async () => {
    const withScript: FunctionBundle = {
      ...bundle,
      data_api_user_script: undefined,
      functions: {
        fn: {
          source: 'exports = () => 1',
          private: false,
          run_as_user_id_script_source: 'exports = () => "u9"',
        },
        plain: { source: 'exports = () => 1', private: false },
      },
    };
    expect(withPlatformFunctions(withScript).functions['__portico/user-script/fn']).toEqual({
      source: 'exports = () => "u9"',
      private: true,
    });
    const endpointJob = { ...job, kind: undefined, dataApi: undefined, functionName: 'fn' };
    const seen: InvocationJob[] = [];
    const decided = await decideScriptUser(endpointJob, withScript, answering('u9', seen));
    expect(decided).toEqual({
      job: expect.objectContaining({ userDecided: true, userAuth: { via: 'run-as', userId: 'u9' } }),
    });
    const call = EJSON.parse(Buffer.from(seen[0].request.body as Uint8Array).toString('utf8')) as {
      name: string;
    };
    expect(call.name).toBe('__portico/user-script/fn');
    expect(
      decideScriptUser({ ...endpointJob, functionName: 'plain' }, withScript, answering('x')),
    ).toBeUndefined();
    expect(
      decideScriptUser({ ...endpointJob, userDecided: true }, withScript, answering('x')),
    ).toBeUndefined();
  });
});
