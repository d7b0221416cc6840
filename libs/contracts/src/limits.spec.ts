import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppLimitsSchema, cpuBudgetMs, DEFAULT_LIMITS, resolveLimits } from './limits';

describe('limits: max_response_bytes', () => {
  const stored = { timeout_ms: 1000, memory_mb: 64, max_request_bytes: 1024 };

  it('is optional in stored limits and resolved to the 20 MB default', () => {
    expect(AppLimitsSchema.parse(stored)).toEqual(stored);
    expect(resolveLimits(stored).max_response_bytes).toBe(20 * 1024 * 1024);
    expect(DEFAULT_LIMITS.max_response_bytes).toBe(20 * 1024 * 1024);
  });

  it('keeps an app override and refuses a negative or fractional one', () => {
    expect(resolveLimits({ ...stored, max_response_bytes: 10 }).max_response_bytes).toBe(10);
    expect(AppLimitsSchema.safeParse({ ...stored, max_response_bytes: -1 }).success).toBe(false);
    expect(AppLimitsSchema.safeParse({ ...stored, max_response_bytes: 1.5 }).success).toBe(false);
  });
});

describe('limits: cpu_ms', () => {
  const stored = { timeout_ms: 1000, memory_mb: 64, max_request_bytes: 1024 };

  it('is optional and resolves to null: no budget of its own, the wall time bounds it', () => {
    expect(resolveLimits(stored).cpu_ms).toBeNull();
    expect(cpuBudgetMs(stored)).toBeNull();
    expect(cpuBudgetMs({ ...stored, cpu_ms: null })).toBeNull();
  });

  it('is a budget only below the wall time, and refuses values below 10 ms', () => {
    expect(cpuBudgetMs({ ...stored, cpu_ms: 250 })).toBe(250);
    expect(cpuBudgetMs({ ...stored, cpu_ms: 1000 })).toBeNull();
    expect(cpuBudgetMs({ ...stored, cpu_ms: 5000 })).toBeNull();
    expect(AppLimitsSchema.safeParse({ ...stored, cpu_ms: 5 }).success).toBe(false);
    expect(AppLimitsSchema.safeParse({ ...stored, cpu_ms: 2.5 }).success).toBe(false);
  });
});

describe('limits: documentation', () => {
  it.each(['configuration.md', 'operations.md'])('lists every per-app limit in docs/%s', (file) => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', file), 'utf8');
    for (const name of Object.keys(AppLimitsSchema.shape)) expect(doc).toContain(`| \`${name}\``);
  });
});
