import { ExpressionError, type ExpressionContext } from '@portico/auth';
import type { InvocationJob } from '@portico/contracts';
import { FunctionCallError, functionCaller, type RunInSandbox } from '../users/platform-function';

/**
 * The `%function` runner of a request's `can_evaluate` (reference §3.3): the named app function runs
 * in the sandbox with the expression's arguments (through the platform call function, as system,
 * within the request's deadline) and its return value is the operator's value. A function that
 * throws, or overruns its limits, makes the expression unevaluable, so the request is denied and
 * the reason goes to the invocation log, never to the client.
 */
export function ruleFunctionCaller(
  job: InvocationJob,
  run: RunInSandbox,
): NonNullable<ExpressionContext['callFunction']> {
  const call = functionCaller(job, run);
  return async (name, args) => {
    try {
      return await call(name, args);
    } catch (err) {
      if (!(err instanceof FunctionCallError)) throw err;
      throw new ExpressionError(`%function '${name}' failed: ${err.code}: ${err.message}`);
    }
  };
}
