import { cpuBudgetMs, DEFAULT_LIMITS, type FunctionBundle } from '@portico/contracts';

/** The app's response body limit, or the default for bundles stored before the limit existed. */
export function maxResponseBytes(bundle: FunctionBundle): number {
  return bundle.limits.max_response_bytes ?? DEFAULT_LIMITS.max_response_bytes;
}

/**
 * A bundle as the host loads it: JSON, with every limit the guest enforces filled, so the guest
 * runtime needs no defaults of its own.
 */
export function sandboxBundleJson(bundle: FunctionBundle): string {
  return JSON.stringify({
    ...bundle,
    limits: {
      ...bundle.limits,
      max_response_bytes: maxResponseBytes(bundle),
      // The host counts CPU time only where `cpu_ms` binds before the wall time (else `null`).
      cpu_ms: cpuBudgetMs(bundle.limits),
    },
  });
}
