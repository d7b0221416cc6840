import {
  evaluateExpression,
  ExpressionError,
  type ExpressionContext,
  type ExpressionRequest,
} from '@portico/auth';
import type { FunctionBundle, InvocationFailure, InvocationJob } from '@portico/contracts';

/** Why a request was refused before anything ran, and what the invocation log should say about it. */
export interface RuleDenial {
  error: InvocationFailure;
  logs: string[];
}

/** The first value of a header (the job's header names are MIME-canonical, reference §7.6). */
const header = (job: InvocationJob, name: string): string => job.request.headers[name]?.[0] ?? '';

/** `%%request` for an invocation (reference §3.3, §2.6 `context.request`). */
export function expressionRequest(job: InvocationJob): ExpressionRequest {
  const dataApi = job.kind === 'data-api';
  return {
    httpMethod: job.request.method,
    httpReferrer: header(job, 'Referer'),
    httpUserAgent: header(job, 'User-Agent'),
    rawQueryString: job.request.rawQueryString,
    remoteIPAddress: job.request.remoteIPAddress,
    requestHeaders: job.request.headers,
    // App Services named the Data API's generated endpoints after the service `data` (its URL segment).
    service: dataApi ? 'data' : '',
    action: dataApi && job.dataApi ? job.dataApi.action : job.functionName,
    webhookUrl: job.request.route,
  };
}

const isEmpty = (expression: Record<string, unknown>): boolean => Object.keys(expression).length === 0;

const denied = (message: string, logs: string[] = []): RuleDenial => ({
  error: { code: 'NoMatchingRule', message, status: 401 },
  logs,
});

/**
 * Checks an invocation's `can_evaluate` conditions before anything runs (reference §3.3): the
 * endpoint's or Data API's (carried in the job), then, for a function, the function's own
 * (`functions/config.json`). Undefined when the request may go ahead; otherwise a 401
 * `NoMatchingRule` answer. An expression that cannot be evaluated denies too, and the reason goes to
 * the invocation log for the app's owner (never to the client).
 *
 * `callFunction` runs an app function for `%function` (the worker passes `ruleFunctionCaller`); without
 * it an expression using `%function` denies. Returns undefined at once,
 * with no promise to wait for, when there is nothing to check: the common case on the hot path.
 */
export function ruleDenial(
  job: InvocationJob,
  bundle: FunctionBundle,
  callFunction?: ExpressionContext['callFunction'],
): Promise<RuleDenial | undefined> | undefined {
  const rules: { expression: Record<string, unknown>; message: string }[] = [];
  if (job.canEvaluate && !isEmpty(job.canEvaluate))
    rules.push({ expression: job.canEvaluate, message: 'rule not matched for request' });
  if (job.kind !== 'data-api' && Object.hasOwn(bundle.functions, job.functionName)) {
    const own = bundle.functions[job.functionName].can_evaluate;
    if (own && !isEmpty(own))
      rules.push({ expression: own, message: `rule not matched for function '${job.functionName}'` });
  }
  if (rules.length === 0) return undefined;
  return firstDenial(rules, {
    request: expressionRequest(job),
    user: job.user,
    values: bundle.values,
    environment: bundle.environment,
    callFunction,
  });
}

async function firstDenial(
  rules: { expression: Record<string, unknown>; message: string }[],
  ctx: ExpressionContext,
): Promise<RuleDenial | undefined> {
  for (const { expression, message } of rules) {
    try {
      if (!(await evaluateExpression(expression, ctx))) return denied(message);
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      return denied(message, [`error: can_evaluate could not be evaluated: ${err.message}`]);
    }
  }
  return undefined;
}
