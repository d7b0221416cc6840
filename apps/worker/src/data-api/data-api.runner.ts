import {
  PorticoError,
  resolveLimits,
  type AppId,
  type FunctionBundle,
  type InvocationJob,
  type InvocationResult,
} from '@portico/contracts';
import type { TenantDataRepository } from '@portico/store';
import { parseDataApiBody } from './data-api-body.parser';
import { renderDataApiBody } from './data-api-response.renderer';
import { DataApiRequestError } from './data-api.errors';
import { createDataApiExecutor } from './data-api.executor';

/**
 * Runs one Data API invocation (`kind: 'data-api'`, reference §4): decode and check the body, run the
 * action on the app's data, render the answer in the negotiated format. No sandbox is involved: the
 * Data API runs no tenant code. Client mistakes and the store's refusals (a bad operator, a bad
 * pipeline) answer 400; anything else is left to the caller as a platform failure.
 */
export async function runDataApi(
  data: TenantDataRepository,
  bundle: FunctionBundle,
  job: InvocationJob,
  startedAt: number,
): Promise<InvocationResult> {
  const done = (partial: Pick<InvocationResult, 'response' | 'error'>): InvocationResult => ({
    requestId: job.requestId,
    ...partial,
    logs: [],
    durationMs: Date.now() - startedAt,
    cold: false,
  });
  if (job.dataApi === undefined) {
    return done({ error: { code: 'InvalidParameter', message: 'no Data API action given', status: 400 } });
  }
  const { action } = job.dataApi;
  try {
    const body = parseDataApiBody(action, job.request);
    const execute = createDataApiExecutor(data, bundle.appId as AppId, bundle.services);
    const { status, value } = await execute(action, body);
    const rendered = renderDataApiBody(value, job.responseFormat);
    // The same cap as a function's answer (reference §2.9 allowed 350 MB; the app's limit decides here).
    const limit = resolveLimits(bundle.limits).max_response_bytes;
    if (rendered.byteLength > limit) {
      return done({
        error: { code: 'ResponseTooLarge', message: `response body is larger than ${limit} bytes` },
      });
    }
    return done({ response: { status, headers: {}, body: rendered } });
  } catch (err) {
    if (err instanceof DataApiRequestError) return done({ error: err.toFailure() });
    if (err instanceof PorticoError && err.status === 400)
      return done({ error: { code: 'InvalidParameter', message: err.message, status: 400 } });
    throw err;
  }
}
