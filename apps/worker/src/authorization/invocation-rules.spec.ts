import type { FunctionBundle, InvocationJob } from '@portico/contracts';
import { expressionRequest, ruleDenial } from './invocation-rules';

describe('ruleDenial (can_evaluate before anything runs, reference §3.3)', () => {
  const bundle: FunctionBundle = {
    appId: 'rules-abcde',
    appName: 'rules',
    version: 3,
    created_at: '2026-01-01T00:00:00.000Z',
    limits: { timeout_ms: 1000, memory_mb: 64, max_request_bytes: 1000 },
    functions: {
      open: { source: 'exports = () => 1', private: false },
      guarded: {
        source: 'exports = () => 1',
        private: false,
        can_evaluate: { '%%user.custom_data.role': 'admin' },
      },
    },
    values: { adminIds: ['u1'] },
    environment: { tag: 'production', values: { region: 'eu' } },
    services: ['mongodb-atlas'],
  };
  const job = (over: Partial<InvocationJob> = {}): InvocationJob => ({
    requestId: 'r1',
    appId: bundle.appId,
    version: 3,
    functionName: 'open',
    deadline: Date.now() + 10_000,
    request: {
      method: 'GET',
      route: '/secret',
      headers: { 'X-Secret-Key': ['my-secret'], 'User-Agent': ['curl/8'], Referer: ['https://r.example'] },
      query: { a: '1' },
      rawQueryString: 'a=1',
      remoteIPAddress: '10.0.0.1',
      body: null,
    },
    endpoint: { route: '/secret', httpMethod: 'GET', respondResult: true },
    responseFormat: 'JSON',
    user: { id: 'u1', type: 'server', data: {}, custom_data: { role: 'user' }, identities: [] },
    runAsSystem: false,
    ...over,
  });

  it('builds %%request from the job', () => {
    expect(expressionRequest(job())).toEqual({
      httpMethod: 'GET',
      httpReferrer: 'https://r.example',
      httpUserAgent: 'curl/8',
      rawQueryString: 'a=1',
      remoteIPAddress: '10.0.0.1',
      requestHeaders: job().request.headers,
      service: '',
      action: 'open',
      webhookUrl: '/secret',
    });
    expect(
      expressionRequest(job({ kind: 'data-api', dataApi: { action: 'find', version: 'v1' } })),
    ).toMatchObject({ service: 'data', action: 'find' });
  });

  it('lets a request through with no, an empty, or a true expression', async () => {
    // Nothing to check: answered at once, without a promise.
    expect(ruleDenial(job(), bundle)).toBeUndefined();
    expect(ruleDenial(job({ canEvaluate: {} }), bundle)).toBeUndefined();
    await expect(
      ruleDenial(
        job({
          canEvaluate: {
            '%%request.requestHeaders.x-secret-key': 'my-secret',
            '%%user.id': { $in: '%%values.adminIds' },
            '%%environment.values.region': 'eu',
          },
        }),
        bundle,
      ),
    ).resolves.toBeUndefined();
  });

  it("denies with 401 NoMatchingRule when the endpoint's expression is false", async () => {
    await expect(
      ruleDenial(job({ canEvaluate: { '%%request.requestHeaders.x-secret-key': 'other' } }), bundle),
    ).resolves.toEqual({
      error: { code: 'NoMatchingRule', status: 401, message: 'rule not matched for request' },
      logs: [],
    });
  });

  it("applies the function's own can_evaluate to function calls only", async () => {
    await expect(ruleDenial(job({ functionName: 'guarded' }), bundle)).resolves.toEqual({
      error: { code: 'NoMatchingRule', status: 401, message: "rule not matched for function 'guarded'" },
      logs: [],
    });
    const admin = job({ functionName: 'guarded' });
    admin.user.custom_data = { role: 'admin' };
    await expect(ruleDenial(admin, bundle)).resolves.toBeUndefined();
  });

  it('evaluates %function through the given runner', async () => {
    const guarded = job({
      canEvaluate: { '%%true': { '%function': { name: 'isAdmin', arguments: ['%%user.id'] } } },
    });
    const calls: unknown[][] = [];
    const runner = (allow: boolean) => (name: string, args: unknown[]) => {
      calls.push([name, ...args]);
      return Promise.resolve(allow);
    };
    await expect(ruleDenial(guarded, bundle, runner(true))).resolves.toBeUndefined();
    await expect(ruleDenial(guarded, bundle, runner(false))).resolves.toMatchObject({
      error: { code: 'NoMatchingRule' },
    });
    expect(calls).toEqual([
      ['isAdmin', 'u1'],
      ['isAdmin', 'u1'],
    ]);
  });

  it('denies an expression it cannot evaluate and says why in the invocation log only', async () => {
    const denial = await ruleDenial(
      job({ canEvaluate: { '%%true': { '%function': { name: 'isEven', arguments: [2] } } } }),
      bundle,
    );
    expect(denial?.error).toEqual({
      code: 'NoMatchingRule',
      status: 401,
      message: 'rule not matched for request',
    });
    expect(denial?.logs).toEqual([
      expect.stringMatching(/^error: can_evaluate could not be evaluated: %function/),
    ]);
  });
});
