import { DEFAULT_LIMITS } from '@portico/contracts';
import { bundleOf } from '../testing/sandbox.fixtures';
import { maxResponseBytes, sandboxBundleJson } from './sandbox-bundle';

describe('sandboxBundleJson', () => {
  it('fills max_response_bytes with the 20 MB default, and cpu_ms with null, for bundles stored without them', () => {
    const bundle = bundleOf('a-abcde', {});
    expect(DEFAULT_LIMITS.max_response_bytes).toBe(20 * 1024 * 1024);
    expect(maxResponseBytes(bundle)).toBe(DEFAULT_LIMITS.max_response_bytes);
    const loaded = JSON.parse(sandboxBundleJson(bundle)) as { limits: Record<string, unknown> };
    expect(loaded.limits).toEqual({
      ...bundle.limits,
      max_response_bytes: 20 * 1024 * 1024,
      cpu_ms: null,
    });
  });

  it("keeps the app's own limits", () => {
    const base = bundleOf('a-abcde', {});
    const bundle = bundleOf('a-abcde', {}, { limits: { ...base.limits, max_response_bytes: 5, cpu_ms: 50 } });
    expect(maxResponseBytes(bundle)).toBe(5);
    expect(JSON.parse(sandboxBundleJson(bundle))).toMatchObject({
      limits: { max_response_bytes: 5, cpu_ms: 50 },
    });
  });
});
