import { Injectable } from '@nestjs/common';

/** One dependency a service needs before it can serve (Redis answers, the registry answers, …). */
export interface ReadinessCheck {
  /** Shown in the `/readyz` answer when the check fails. */
  name: string;
  /** Resolves when the dependency answers; rejects (or resolves `false`) when it does not. */
  check(): Promise<unknown>;
}

/** What `/readyz` reports. */
export interface ReadinessReport {
  ready: boolean;
  /** Names of the checks that failed or did not answer in time, in registration order. */
  failing: string[];
}

/** How long one readiness check may take before it counts as failed. */
export const READINESS_TIMEOUT_MS = 1_000;

/**
 * The readiness checks of one process, run in parallel on every `/readyz`, each bounded by
 * `timeoutMs` so a probe never hangs on a dependency that does not answer. Mains register checks
 * (`register`) once their clients exist; a process with no checks is ready.
 */
@Injectable()
export class ReadinessService {
  private readonly checks: ReadinessCheck[] = [];
  private timeoutMs = READINESS_TIMEOUT_MS;

  /** Adds checks; returns the service for chaining. */
  register(...checks: ReadinessCheck[]): this {
    this.checks.push(...checks);
    return this;
  }

  /** Changes the per-check time limit (default `READINESS_TIMEOUT_MS`). */
  withTimeout(timeoutMs: number): this {
    this.timeoutMs = timeoutMs;
    return this;
  }

  async report(): Promise<ReadinessReport> {
    const passed = await Promise.all(this.checks.map((c) => this.passes(c)));
    const failing = this.checks.filter((_, i) => !passed[i]).map((c) => c.name);
    return { ready: failing.length === 0, failing };
  }

  private passes(readiness: ReadinessCheck): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), this.timeoutMs);
      const settle = (ok: boolean) => {
        clearTimeout(timer);
        resolve(ok);
      };
      // A check that throws synchronously is a failure like one that rejects.
      Promise.resolve()
        .then(() => readiness.check())
        .then(
          (value) => settle(value !== false),
          () => settle(false),
        );
    });
  }
}
