import type { ReadinessCheck } from './readiness.service';

/** The liveness answer: the process runs and its event loop turns. */
export const HEALTHY = { status: 'ok' } as const;

/** The readiness answer: 200 `{"status":"ok"}` or 503 `{"status":"unavailable","failing":[...]}`. */
export type ReadinessBody = { status: 'ok' } | { status: 'unavailable'; failing: string[] };

/** Injection token of the `HealthModuleOptions`. */
export const HEALTH_OPTIONS = Symbol('HealthOptions');

/** Options of `HealthModule.forRoot`. */
export interface HealthModuleOptions {
  /** Readiness checks known at module creation; more can be added with `ReadinessService.register`. */
  checks?: ReadinessCheck[];
  /** Extra headers on both answers (the gateway adds its `X-Request-Id`). */
  headers?: () => Record<string, string>;
}
