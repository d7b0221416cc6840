import { Injectable } from '@nestjs/common';
import type { InvocationJob, InvocationResult } from '@portico/contracts';
import { AuthFailure } from './auth-errors';
import { ClientAuthService } from './client-auth.service';
import { EndpointUserService } from './endpoint-user.service';
import { functionCaller, type RunInSandbox } from './platform-function';

/**
 * The worker's entry into users: a `client-auth` job is answered here (it may call provider
 * functions in the sandbox); an endpoint job with application auth gets its `context.user` before
 * the function runs; any other job runs unchanged.
 */
@Injectable()
export class UserInvocations {
  constructor(
    private readonly clientAuth: ClientAuthService,
    private readonly endpointUsers: EndpointUserService,
  ) {}

  async run(job: InvocationJob, run: RunInSandbox, startedAt: number): Promise<InvocationResult> {
    if (job.kind !== 'client-auth' && job.userAuth === undefined) return run(job);
    try {
      // Provider, confirmation and user creation functions run through the platform call, as system.
      const call = functionCaller(job, run);
      if (job.kind === 'client-auth') {
        const response = await this.clientAuth.handle(job, call);
        return {
          requestId: job.requestId,
          response,
          logs: [],
          durationMs: Date.now() - startedAt,
          cold: false,
        };
      }
      return await run({ ...job, user: await this.endpointUsers.resolve(job, call), userAuth: undefined });
    } catch (err) {
      if (!(err instanceof AuthFailure)) throw err;
      return {
        requestId: job.requestId,
        error: err.toFailure(),
        logs: [],
        durationMs: Date.now() - startedAt,
        cold: false,
      };
    }
  }
}
