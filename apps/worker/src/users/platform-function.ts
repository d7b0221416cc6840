import { EJSON } from 'bson';
import type { FunctionBundle, InvocationJob, InvocationResult } from '@portico/contracts';

/**
 * A function the worker adds to every bundle so it can call a tenant function with arguments of its
 * own (auth providers' functions get `(payload)`, not `(request, response)`): it reads
 * `{name, args}` as EJSON from the request body and returns what `context.functions.execute` gives.
 * It grants nothing a tenant function lacks (any function may call `context.functions.execute`), and
 * no endpoint can route to it (the gateway routes only to functions of the deployment).
 */
export const PLATFORM_CALL_FUNCTION = '__portico/call';
const PLATFORM_CALL_SOURCE = `exports = function (request) {
  const call = EJSON.parse(request.body.text());
  return context.functions.execute(call.name, ...call.args);
};`;

/**
 * The Data API's `run_as_user_id_script_source`, projected as a private function so the platform
 * call can run it with the request (reference §3.1). Same reasoning: it is the tenant's own code.
 */
export const DATA_API_USER_SCRIPT_FUNCTION = '__portico/data-api-user-script';

/** A function's own `run_as_user_id_script_source`, projected the same way. */
export const userScriptFunction = (functionName: string): string => `__portico/user-script/${functionName}`;

/** Every run-as script of the bundle as a private function of its own. */
function userScripts(bundle: FunctionBundle): FunctionBundle['functions'] {
  const scripts: FunctionBundle['functions'] = {};
  for (const [name, fn] of Object.entries(bundle.functions))
    if (fn.run_as_user_id_script_source !== undefined)
      scripts[userScriptFunction(name)] = { source: fn.run_as_user_id_script_source, private: true };
  if (bundle.data_api_user_script !== undefined)
    scripts[DATA_API_USER_SCRIPT_FUNCTION] = { source: bundle.data_api_user_script, private: true };
  return scripts;
}

const withCall = new WeakMap<FunctionBundle, FunctionBundle>();

/**
 * The bundle with the platform call function (and the run-as scripts) added; memoized per bundle object, so every job of a
 * version runs the same bundle (the sandbox loads a version once).
 */
export function withPlatformFunctions(bundle: FunctionBundle): FunctionBundle {
  let augmented = withCall.get(bundle);
  if (!augmented) {
    augmented = {
      ...bundle,
      functions: {
        ...bundle.functions,
        ...userScripts(bundle),
        [PLATFORM_CALL_FUNCTION]: { source: PLATFORM_CALL_SOURCE, private: true },
      },
    };
    withCall.set(bundle, augmented);
  }
  return augmented;
}

/** Runs a job in the sandbox (the invocation service binds bundle and host calls). */
export type RunInSandbox = (job: InvocationJob) => Promise<InvocationResult>;

/** Calls a tenant function by name with arguments; rejects when it throws. */
export type CallFunction = (name: string, args: unknown[]) => Promise<unknown>;

/** The error a called function threw (or its time/memory limit), with the guest's message. */
export class FunctionCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FunctionCallError';
  }
}

/**
 * Builds a `CallFunction` that runs as system within the deadline of `job`, through the platform
 * call function. Arguments and the result cross as canonical EJSON, so BSON types survive.
 */
export function functionCaller(job: InvocationJob, run: RunInSandbox): CallFunction {
  return async (name, args) => {
    const body = Buffer.from(EJSON.stringify({ name, args }, { relaxed: false }), 'utf8');
    const result = await run({
      ...job,
      kind: undefined,
      // The call is the platform's, not the request's: the request's conditions were (or are being)
      // checked already, and checking them again here would recurse through a `%function` rule.
      canEvaluate: undefined,
      dataApi: undefined,
      functionName: PLATFORM_CALL_FUNCTION,
      request: { ...job.request, headers: {}, query: {}, rawQueryString: '', body },
      endpoint: { ...job.endpoint, respondResult: true },
      responseFormat: 'EJSON',
      user: { id: 'system', type: 'system', data: {}, custom_data: {}, identities: [] },
      runAsSystem: true,
      userAuth: undefined,
      clientAuth: undefined,
    });
    if (result.error) throw new FunctionCallError(result.error.code, result.error.message);
    const bytes = result.response?.body;
    if (!bytes || bytes.byteLength === 0) return undefined;
    return EJSON.parse(Buffer.from(bytes).toString('utf8'), { relaxed: false }) as unknown;
  };
}
