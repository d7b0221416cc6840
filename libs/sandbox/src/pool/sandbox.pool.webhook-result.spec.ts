import { bundleOf, jobOf, memoryLogger, noHostCalls, text } from '../testing/sandbox.fixtures';
import { SandboxPool } from './sandbox.pool';

const APP = 'webhooks-abcde';

/**
 * The legacy webhook result rule (reference §1.4, §2.4), in a real sandbox host process: with
 * respond_result, a webhook's return value is the body only while the function has not used the
 * response object; an endpoint sends it even after `setStatusCode`.
 */
describe('legacy webhook respond_result', () => {
  const pool = new SandboxPool({
    engine: 'isolated-vm',
    maxProcesses: 1,
    maxProcessesPerApp: 1,
    logger: memoryLogger(),
  });
  const bundle = bundleOf(APP, {
    plain: 'exports = function () { return { a: 1 }; };',
    statusAndReturn:
      'exports = function (payload, response) { response.setStatusCode(202); return { a: 1 }; };',
    bodyAndReturn: 'exports = function (payload, response) { response.setBody("set"); return { a: 1 }; };',
  });
  const run = (fn: string, webhook: boolean, respondResult = true) =>
    pool.run(
      bundle,
      jobOf(APP, fn, {
        endpoint: { route: '/svc/hook', httpMethod: 'POST', respondResult, ...(webhook ? { webhook } : {}) },
      }),
      noHostCalls,
    );
  afterAll(() => pool.close());

  it('sends the return value of a webhook that did not touch the response', async () => {
    const { response } = await run('plain', true);
    expect(response?.status).toBe(200);
    expect(text(response?.body)).toBe('{"a":1}');
  });

  it('sends only what the response object holds once a webhook used it', async () => {
    const status = await run('statusAndReturn', true);
    expect(status.response?.status).toBe(202);
    expect(status.response?.body ?? null).toBeNull();
    const body = await run('bodyAndReturn', true);
    expect(text(body.response?.body)).toBe('set');
  });

  it('leaves endpoints as they are: the return value wins over setStatusCode', async () => {
    const { response } = await run('statusAndReturn', false);
    expect(response?.status).toBe(202);
    expect(text(response?.body)).toBe('{"a":1}');
  });
});
