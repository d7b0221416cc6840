import { z } from 'zod';
import { AUTH_FAILURE_CODES, GuestRequestSchema, InvocationJobSchema } from './invocation';

/**
 * Names on the wire in cluster mode (DESIGN (1)–(4)). Every Redis key, queue and channel starts with
 * the installation's prefix (`PORTICO_REDIS_PREFIX`), so installations and test runs sharing one Redis
 * never see each other.
 */
export const clusterNames = (prefix: string) => ({
  /** BullMQ prefix for every queue (BullMQ adds `:<queue>:<key>`). */
  bullPrefix: `${prefix}:bull`,
  /** One invocation queue per worker pool. */
  invocationQueue: (pool: string) => `invocations-${pool}`,
  /** A gateway instance's own reply channel (Redis pub/sub). */
  replyChannel: (gatewayId: string) => `${prefix}:reply:${gatewayId}`,
  /** Deployment change events (Redis pub/sub), published by the registry. */
  deploymentEvents: `${prefix}:deployments`,
  /** `@nestjs/microservices` message patterns of the registry. */
  registryPatterns: {
    currentSnapshot: `${prefix}.registry.snapshot.current`,
    bundle: `${prefix}.registry.bundle`,
  },
  /** Admission counters of an app (rate window and in-flight count), shared by all gateways. */
  admissionKey: (appId: string, what: 'rate' | 'inflight') => `${prefix}:admission:${appId}:${what}`,
});
export type ClusterNames = ReturnType<typeof clusterNames>;

/** The name of the job in the invocation queue. */
export const INVOCATION_JOB_NAME = 'invoke';

/**
 * An invocation job as it travels through BullMQ (JSON): the body bytes as base64, plus the gateway
 * instance that waits for the reply. The worker re-validates it with this schema (CONVENTIONS 3).
 */
export const InvocationJobWireSchema = InvocationJobSchema.extend({
  request: GuestRequestSchema.extend({ body: z.string().nullable() }),
  replyTo: z.string().min(1),
});
export type InvocationJobWire = z.infer<typeof InvocationJobWireSchema>;

/** An invocation result as published on a reply channel (JSON): the response body as base64. */
export const InvocationResultWireSchema = z.object({
  requestId: z.string(),
  response: z
    .object({
      status: z.number().int(),
      headers: z.record(z.string(), z.array(z.string())),
      body: z.string().nullable(),
    })
    .optional(),
  error: z
    .object({
      code: z.enum([
        'FunctionExecutionError',
        'ExecutionTimeLimitExceeded',
        'MemoryLimitExceeded',
        'ResponseTooLarge',
        'FunctionNotFound',
        'InternalServerError',
        'ServiceUnavailable',
        'NoMatchingRule',
        ...AUTH_FAILURE_CODES,
      ]),
      message: z.string(),
      status: z.number().int().optional(),
    })
    .optional(),
  logs: z.array(z.string()),
  durationMs: z.number(),
  cold: z.boolean(),
});
export type InvocationResultWire = z.infer<typeof InvocationResultWireSchema>;
