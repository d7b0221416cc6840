import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import type {
  AppId,
  FunctionBundle,
  InvocationFailure,
  InvocationJob,
  InvocationResult,
} from '@portico/contracts';
import { PORTICO_LOGGER, type Logger } from '@portico/logging';
import { WorkerMetrics } from '@portico/metrics';
import {
  SANDBOX_RUNNER,
  createHttpHostCalls,
  type HostCallHandler,
  type HttpHostCalls,
  type SandboxRunner,
} from '@portico/sandbox';
import { STORE, type Store } from '@portico/store';
import { ruleDenial } from './authorization/invocation-rules';
import { ruleFunctionCaller } from './authorization/rule-functions';
import { BundleCache } from './bundle-cache.service';
import { runDataApi } from './data-api/data-api.runner';
import { createDataHostCalls } from './data-host-calls';
import { InvocationLogWriter } from './invocation-log-writer.service';
import { withPlatformFunctions } from './users/platform-function';
import { decideScriptUser } from './users/script-user';
import { UserInvocations } from './users/user-invocations.service';

/** This worker instance, as recorded in the invocation log. */
const WORKER_ID = `${hostname()}/${process.pid}`;

const failed = (job: InvocationJob, error: InvocationFailure, startedAt: number): InvocationResult => ({
  requestId: job.requestId,
  error,
  logs: [],
  durationMs: Date.now() - startedAt,
  cold: false,
});

/**
 * Runs one invocation job (DESIGN (3)): find the app's bundle at the job's version, run the function
 * in the sandbox with the app's data bound to its host calls, record the invocation log entry.
 * Never rejects: every outcome is an `InvocationResult`.
 */
@Injectable()
export class InvocationService {
  /** Weakly keyed: a bundle evicted from the cache takes its handler with it. */
  private readonly dataCalls = new WeakMap<FunctionBundle, HostCallHandler>();

  constructor(
    private readonly bundles: BundleCache,
    @Inject(SANDBOX_RUNNER) private readonly sandbox: SandboxRunner,
    @Inject(STORE) private readonly store: Store,
    private readonly logWriter: InvocationLogWriter,
    @Inject(PORTICO_LOGGER) private readonly logger: Logger,
    private readonly metrics: WorkerMetrics,
    private readonly users: UserInvocations,
  ) {}

  async invoke(job: InvocationJob): Promise<InvocationResult> {
    const startedAt = Date.now();
    const started = performance.now();
    let result: InvocationResult;
    try {
      result = await this.run(job, startedAt);
    } catch (err) {
      this.logger.error(
        { err, appId: job.appId, requestId: job.requestId },
        'invocation failed inside the platform',
      );
      result = failed(
        job,
        { code: 'InternalServerError', message: 'internal server error', status: 500 },
        startedAt,
      );
    }
    this.record(job, result, startedAt);
    this.metrics.invocationFinished(result, (performance.now() - started) / 1000);
    return result;
  }

  private async run(job: InvocationJob, startedAt: number): Promise<InvocationResult> {
    if (Date.now() >= job.deadline) {
      // The caller has given up already: starting the function would only waste a sandbox.
      return failed(
        job,
        { code: 'ExecutionTimeLimitExceeded', message: 'execution time limit exceeded', status: 504 },
        startedAt,
      );
    }
    const found = this.bundles.get(job.appId, job.version);
    const loaded: FunctionBundle | null = found instanceof Promise ? await found : found;
    if (!loaded) {
      return failed(
        job,
        {
          code: 'FunctionNotFound',
          message: `app '${job.appId}' has no version ${job.version}`,
          status: 404,
        },
        startedAt,
      );
    }
    const bundle = withPlatformFunctions(loaded);
    const runsFunction = job.kind === undefined || job.kind === 'function';
    if (runsFunction && !Object.hasOwn(loaded.functions, job.functionName)) {
      return failed(
        job,
        { code: 'FunctionNotFound', message: `function not found: '${job.functionName}'`, status: 404 },
        startedAt,
      );
    }
    const data = this.dataCallsFor(bundle);
    // The egress client is made only when the function really calls `context.http`: most invocations
    // never do, and building it (policy, client) on every call would tax the hot path.
    let http: HttpHostCalls | undefined;
    const hostCalls: HostCallHandler = (call) => {
      if (!call.op.startsWith('http.')) return data(call);
      http ??= createHttpHostCalls({
        egressAllow: bundle.limits.egress_allow ?? [],
        deadline: Math.min(job.deadline, startedAt + bundle.limits.timeout_ms),
      });
      return http(call);
    };
    try {
      // Users first (client login/session calls; `context.user` for application auth), so that
      // can_evaluate sees the authenticated user.
      const runAuthorized = (next: InvocationJob) => this.runAuthorized(bundle, next, hostCalls, startedAt);
      // A Script-mode Data API learns its user from the app's script first (reference §3.1).
      const deciding = decideScriptUser(job, bundle, runAuthorized);
      const decided = deciding && (await deciding);
      if (decided && 'error' in decided)
        return { ...failed(job, decided.error, startedAt), logs: decided.logs };
      return await this.users.run(decided ? decided.job : job, runAuthorized, startedAt);
    } finally {
      // Requests the function left running must not outlive it.
      http?.close();
    }
  }

  /** The can_evaluate conditions (reference §3.3), then the Data API action or the function. */
  private async runAuthorized(
    bundle: FunctionBundle,
    job: InvocationJob,
    hostCalls: HostCallHandler,
    startedAt: number,
  ): Promise<InvocationResult> {
    // Refused requests run nothing, not even a Data API action.
    const checking = ruleDenial(
      job,
      bundle,
      ruleFunctionCaller(job, (call) => this.runAuthorized(bundle, call, hostCalls, startedAt)),
    );
    const denial = checking && (await checking);
    if (denial) return { ...failed(job, denial.error, startedAt), logs: denial.logs };
    if (job.kind === 'data-api') return runDataApi(this.store.data, bundle, job, startedAt);
    const result = await this.sandbox.run(bundle, job, hostCalls);
    this.metrics.sandboxRan(result.cold);
    return result;
  }

  /** One data handler per bundle: it is bound to the bundle's app only, so it can be shared by its calls. */
  private dataCallsFor(bundle: FunctionBundle): HostCallHandler {
    let handler = this.dataCalls.get(bundle);
    if (!handler) {
      handler = createDataHostCalls(this.store.data, bundle);
      this.dataCalls.set(bundle, handler);
    }
    return handler;
  }

  private record(job: InvocationJob, result: InvocationResult, startedAt: number): void {
    const status = result.response?.status ?? result.error?.status ?? 400;
    this.logWriter.append(job.appId as AppId, {
      id: randomUUID(),
      requestId: job.requestId,
      time: new Date(startedAt).toISOString(),
      type: job.kind === 'data-api' ? 'data-api' : 'endpoint',
      method: job.request.method,
      route: job.endpoint.route,
      function_name: job.functionName,
      status,
      duration_ms: result.durationMs,
      logs: result.logs,
      ...(result.error ? { error: { code: result.error.code, message: result.error.message } } : {}),
      cold: result.cold,
      worker: WORKER_ID,
    });
  }
}
