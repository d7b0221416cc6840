import { Binary } from 'bson';
import type { FunctionBundle, InvocationFailure, InvocationJob } from '@portico/contracts';
import {
  DATA_API_USER_SCRIPT_FUNCTION,
  FunctionCallError,
  functionCaller,
  userScriptFunction,
  type RunInSandbox,
} from './platform-function';

/** The job with its user decided, or the 401 to answer and why (for the invocation log only). */
export type ScriptDecision = { job: InvocationJob } | { error: InvocationFailure; logs: string[] };

const refused = (reason: string): ScriptDecision => ({
  // The gateway's §3.4 wording for credentials that match no user.
  error: { code: 'InvalidSession', message: 'invalid session: error finding user for endpoint', status: 401 },
  logs: [`error: run_as_user_id_script_source: ${reason}`],
});

/** The platform function that holds the job's run-as script, if its run mode is Script. */
function scriptOf(job: InvocationJob, bundle: FunctionBundle): string | undefined {
  if (job.kind === 'data-api')
    return bundle.data_api_user_script === undefined ? undefined : DATA_API_USER_SCRIPT_FUNCTION;
  if (job.kind !== undefined && job.kind !== 'function') return undefined;
  const fn = Object.hasOwn(bundle.functions, job.functionName)
    ? bundle.functions[job.functionName]
    : undefined;
  return fn?.run_as_user_id_script_source === undefined ? undefined : userScriptFunction(job.functionName);
}

/**
 * Script run mode (reference §3.1, §1.3), for an endpoint's function and for the Data API: the
 * `run_as_user_id_script_source` runs first with the request `{query, headers, body}` (as system,
 * through the platform call), before `can_evaluate`, so that the rules see the user it names. A
 * non-empty string is that user (a stored user is loaded and must be enabled; an unknown id runs
 * with the bare id, as `run_as_user_id` does), `{runAsSystem: true}` is system, anything else or a
 * throw is 401 `InvalidSession`. The job is marked `userDecided`, so the guest does not run the
 * script again. Undefined, at once, for every other job.
 */
export function decideScriptUser(
  job: InvocationJob,
  bundle: FunctionBundle,
  run: RunInSandbox,
): Promise<ScriptDecision> | undefined {
  // Undefined at once, with no promise to wait for, on the hot path.
  if (job.userDecided) return undefined;
  const script = scriptOf(job, bundle);
  return script === undefined ? undefined : runScript(job, script, run);
}

async function runScript(job: InvocationJob, script: string, run: RunInSandbox): Promise<ScriptDecision> {
  const request = {
    query: job.request.query,
    headers: job.request.headers,
    ...(job.request.body === null ? {} : { body: new Binary(job.request.body) }),
  };
  let outcome: unknown;
  try {
    outcome = await functionCaller(job, run)(script, [request]);
  } catch (err) {
    if (!(err instanceof FunctionCallError)) throw err;
    return refused(`${err.code}: ${err.message}`);
  }
  if (typeof outcome === 'string' && outcome !== '') {
    return {
      job: {
        ...job,
        user: { id: outcome, type: 'normal', data: {}, custom_data: {}, identities: [] },
        runAsSystem: false,
        userAuth: { via: 'run-as', userId: outcome },
        userDecided: true,
      },
    };
  }
  if (
    outcome !== null &&
    typeof outcome === 'object' &&
    (outcome as Record<string, unknown>).runAsSystem === true
  ) {
    return {
      job: {
        ...job,
        user: { id: 'system', type: 'system', data: {}, custom_data: {}, identities: [] },
        runAsSystem: true,
        userAuth: undefined,
        userDecided: true,
      },
    };
  }
  return refused('returned neither a user id nor { runAsSystem: true }');
}
