import { z } from 'zod';
import { INVOCATION_KINDS } from './atlas-config';
import { DataApiCallSchema } from './data-api';
import { ClientAuthJobSchema, UserAuthJobSchema } from './users';

/**
 * The request as the guest sees it (reference §2.2, §2.6 `context.request`). Built once by the gateway;
 * header keys are MIME-canonical, values arrays; `query` keeps the first occurrence of each key.
 */
export const GuestRequestSchema = z.object({
  method: z.string(),
  /** Route as configured (`context.request.webhookUrl`). */
  route: z.string(),
  headers: z.record(z.string(), z.array(z.string())),
  query: z.record(z.string(), z.string()),
  /** Without `?`, the `secret` pair removed. */
  rawQueryString: z.string(),
  remoteIPAddress: z.string(),
  /** Raw body bytes; null when the request had no body (then `request.body` is `undefined`). */
  body: z.instanceof(Uint8Array).nullable(),
});
export type GuestRequest = z.infer<typeof GuestRequestSchema>;

/** `context.user` (reference §2.6). */
export const GuestUserSchema = z.object({
  id: z.string(),
  type: z.enum(['normal', 'server', 'system']),
  data: z.record(z.string(), z.unknown()),
  custom_data: z.record(z.string(), z.unknown()),
  identities: z.array(
    z.object({
      id: z.string(),
      provider_type: z.string(),
      data: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});
export type GuestUser = z.infer<typeof GuestUserSchema>;

/**
 * One invocation job (DESIGN (2)): what the gateway hands to the transport and the worker runs.
 * The worker re-validates it with this schema when it crosses a process boundary (CONVENTIONS 3).
 */
export const InvocationJobSchema = z.object({
  /** What to run: a function (absent, the common case), a Data API action, or a client login/session call. */
  kind: z.enum(INVOCATION_KINDS).optional(),
  /** Correlation id; also the `X-Request-Id` given to the client. */
  requestId: z.string(),
  appId: z.string(),
  version: z.number().int().nonnegative(),
  functionName: z.string(),
  /** Epoch ms after which the job must not start and its caller stops waiting. */
  deadline: z.number(),
  request: GuestRequestSchema,
  endpoint: z.object({
    route: z.string(),
    httpMethod: z.string(),
    respondResult: z.boolean(),
    /**
     * A converted legacy incoming webhook (reference §1.4, §2.4): with respond_result, the return value
     * is the body only if the function set neither a status nor a body.
     */
    webhook: z.boolean().optional(),
  }),
  /** Negotiated serialization of the return value: `return_type` overridden by `Accept` (reference §2.4). */
  responseFormat: z.enum(['JSON', 'EJSON']),
  user: GuestUserSchema,
  runAsSystem: z.boolean(),
  /** The worker pool of the app (a registry setting); cluster mode queues the job there. */
  pool: z.string().optional(),
  /**
   * The endpoint's (or Data API's) `can_evaluate` expression (reference §3.3): the worker evaluates it
   * before anything runs and answers 401 NoMatchingRule when it is false. Absent: no condition.
   */
  canEvaluate: z.record(z.string(), z.unknown()).optional(),
  /** Set when `kind` is `data-api`: the action to run on the app's data. */
  dataApi: DataApiCallSchema.optional(),
  /**
   * Set by the worker once a Script run mode decided `user` / `runAsSystem` (reference §3.1): the
   * guest then runs the function without running its `run_as_user_id_script_source` again.
   */
  userDecided: z.boolean().optional(),
  /** Application auth for the worker to complete (Bearer user or credential headers); absent otherwise. */
  userAuth: UserAuthJobSchema.optional(),
  /** The endpoint's `create_user_on_auth` / `fetch_custom_user_data` (reference §1.2). */
  userOptions: z.object({ createUserOnAuth: z.boolean(), fetchCustomUserData: z.boolean() }).optional(),
  /** `kind: 'client-auth'`: the login / session call to perform. */
  clientAuth: ClientAuthJobSchema.optional(),
});
export type InvocationJob = z.infer<typeof InvocationJobSchema>;

/** The HTTP answer an invocation produced, ready to send (bodies are bytes, never re-parsed). */
export interface InvocationResponse {
  status: number;
  /** Header names as the function set them; values arrays (setHeader replaces, addHeader appends). */
  headers: Record<string, string[]>;
  body: Uint8Array | null;
}

/** Failures of user authentication and the client login/session API (reference §2.5 vocabulary). */
export const AUTH_FAILURE_CODES = [
  'InvalidSession',
  'InvalidPassword',
  'AuthError',
  'AuthProviderNotFound',
  'AccountNameInUse',
  'UserAlreadyConfirmed',
  'UserNotFound',
  'UserDisabled',
  'APIKeyNotFound',
  'InvalidParameter',
  'MissingParameter',
] as const;
export type AuthFailureCode = (typeof AUTH_FAILURE_CODES)[number];

/** A guest-visible failure; the gateway renders it as the Atlas error body. */
export interface InvocationFailure {
  code:
    | 'FunctionExecutionError'
    | 'ExecutionTimeLimitExceeded'
    | 'MemoryLimitExceeded'
    | 'ResponseTooLarge'
    | 'FunctionNotFound'
    /** `InvalidSession` (in AuthFailureCode) also covers a `run_as_user_id_script_source` that gave no user. */
    | 'InternalServerError'
    | 'ServiceUnavailable'
    | 'NoMatchingRule'
    | AuthFailureCode;
  message: string;
  /**
   * HTTP status to answer with. Unset for tenant-caused failures (then 400, reference §7.1); set by
   * the platform for its own failures (503 queue down, 504 worker lost or deadline passed).
   */
  status?: number;
}

export interface InvocationResult {
  requestId: string;
  /** Exactly one of `response` and `error` is set. */
  response?: InvocationResponse;
  error?: InvocationFailure;
  /** Console lines of this invocation (`log: ...` / `error: ...` prefixed by level). */
  logs: string[];
  durationMs: number;
  /** True when the sandbox had to load the app before running (cold start). */
  cold: boolean;
}
