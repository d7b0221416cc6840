import { z } from 'zod';

/** Per-app limits and their defaults (reference/atlas-endpoints.md §2.9 and §7.10). */
export const DEFAULT_LIMITS = {
  /** Wall time of one invocation, ms (Atlas: 300 s). */
  timeout_ms: 300_000,
  /** Heap of the app's isolate, MB (Atlas: 350 MB). */
  memory_mb: 350,
  /** Largest request body accepted, bytes (Atlas: 18 MB). */
  max_request_bytes: 18 * 1024 * 1024,
  /** Requests per second admitted for the app, across all gateways; `null` = unlimited. */
  rate_per_sec: null,
  /** Requests of the app in flight at once, across all gateways. */
  max_concurrent: 10_000,
  /**
   * Hosts `context.http` may reach although they resolve to loopback, private or link-local
   * addresses (denied by default): host names (`*.example.com` for subdomains), IPs or CIDRs.
   */
  egress_allow: [] as string[],
  /** Largest response body a function may produce, bytes (Atlas: 20 MB). */
  max_response_bytes: 20 * 1024 * 1024,
  /**
   * CPU time one invocation may use, ms; `null` = no limit of its own, `timeout_ms` bounds it (Atlas
   * has no CPU limit, so functions that compute for minutes keep running unchanged).
   */
  cpu_ms: null,
} as const satisfies Required<AppLimits>;

/** Largest value `rate_per_sec` and `max_concurrent` accept. */
export const MAX_ADMISSION_LIMIT = 1_000_000;

/** Most entries `egress_allow` accepts. */
export const MAX_EGRESS_RULES = 100;

/** An `egress_allow` entry: a host name, `*.`+host name, an IP address or a CIDR. */
export const EgressRuleSchema = z
  .string()
  .trim()
  .refine(
    (rule) =>
      z.hostname().safeParse(rule.startsWith('*.') ? rule.slice(2) : rule).success ||
      z.ipv4().safeParse(rule).success ||
      z.ipv6().safeParse(rule).success ||
      z.cidrv4().safeParse(rule).success ||
      z.cidrv6().safeParse(rule).success,
    'a host name, *.domain, an IP address or a CIDR',
  );

/**
 * Limits as stored in a deployment. `rate_per_sec`, `max_concurrent`, `egress_allow`,
 * `max_response_bytes` and `cpu_ms` came later:
 * deployments stored before them lack them, so they are optional here and `resolveLimits` fills their
 * defaults.
 */
export const AppLimitsSchema = z
  .object({
    timeout_ms: z.number().int().min(10).max(3_600_000),
    memory_mb: z.number().int().min(8).max(8192),
    max_request_bytes: z
      .number()
      .int()
      .min(0)
      .max(1024 * 1024 * 1024),
    rate_per_sec: z.number().int().min(1).max(MAX_ADMISSION_LIMIT).nullable().optional(),
    max_concurrent: z.number().int().min(1).max(MAX_ADMISSION_LIMIT).optional(),
    egress_allow: z.array(EgressRuleSchema).max(MAX_EGRESS_RULES).optional(),
    max_response_bytes: z
      .number()
      .int()
      .min(0)
      .max(1024 * 1024 * 1024)
      .optional(),
    cpu_ms: z.number().int().min(10).max(3_600_000).nullable().optional(),
  })
  .strict();
export type AppLimits = z.infer<typeof AppLimitsSchema>;

/** Every limit with a value (what the admin API shows and snapshots carry). */
export const ResolvedLimitsSchema = AppLimitsSchema.required();
export type ResolvedLimits = Required<AppLimits>;

/** The stored limits with the defaults of any the deployment predates. */
export function resolveLimits(limits: AppLimits): ResolvedLimits {
  return {
    ...limits,
    rate_per_sec: limits.rate_per_sec === undefined ? DEFAULT_LIMITS.rate_per_sec : limits.rate_per_sec,
    max_concurrent: limits.max_concurrent ?? DEFAULT_LIMITS.max_concurrent,
    egress_allow: limits.egress_allow ?? [],
    max_response_bytes: limits.max_response_bytes ?? DEFAULT_LIMITS.max_response_bytes,
    cpu_ms: limits.cpu_ms === undefined ? DEFAULT_LIMITS.cpu_ms : limits.cpu_ms,
  };
}

/**
 * The CPU time one invocation of an app may use, ms, when it is a limit of its own: `cpu_ms` below
 * `timeout_ms`. Otherwise `null`: the wall time bounds the CPU time, and nothing needs counting.
 */
export function cpuBudgetMs(limits: AppLimits): number | null {
  const cpu = limits.cpu_ms;
  return cpu !== undefined && cpu !== null && cpu < limits.timeout_ms ? cpu : null;
}

/** The worker pool apps run in unless set otherwise (`PORTICO_WORKER_POOL` of the workers serving it). */
export const DEFAULT_POOL = 'default';
/** A worker pool name, as in `PORTICO_WORKER_POOL`. */
export const PoolNameSchema = z
  .string()
  .regex(/^[a-z0-9-]{1,32}$/, '1 to 32 lowercase letters, digits and -');
