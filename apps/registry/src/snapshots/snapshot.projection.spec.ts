import { DEFAULT_LIMITS, DataApiSpecSchema, type Deployment } from '@portico/contracts';
import { projectBundle } from './snapshot.projection';

const deployment = (spec: Partial<Deployment['spec']>): Deployment => ({
  appId: 'deps-abcde',
  version: 3,
  created_at: '2026-01-01T00:00:00.000Z',
  spec: {
    limits: { ...DEFAULT_LIMITS },
    functions: {},
    endpoints: [],
    values: {},
    secrets: {},
    api_keys: [],
    environment: { tag: '', values: {} },
    ...spec,
  },
});

describe('projectBundle: run modes and npm dependencies (issue #5)', () => {
  it('keeps only the effective run mode: system overrides a user id and a script', () => {
    const bundle = projectBundle(
      { id: 'deps-abcde', name: 'deps' },
      deployment({
        functions: {
          both: {
            source: 's',
            private: false,
            run_as_system: true,
            run_as_user_id: 'u1',
            run_as_user_id_script_source: 'exports = () => "u"',
          },
          plain: { source: 's', private: false, run_as_system: false },
        },
      }),
    );
    expect(bundle.functions).toEqual({
      both: { source: 's', private: false, run_as_system: true },
      plain: { source: 's', private: false },
    });
  });

  it('carries the dependency files (not the manifest or size) to the worker', () => {
    const files = { 'tiny-greeter/index.js': 'module.exports = 1;', 'tiny-greeter/package.json': '{}' };
    const bundle = projectBundle(
      { id: 'deps-abcde', name: 'deps' },
      deployment({ dependencies: { files, package_json: { name: 'fns' }, total_bytes: 40 } }),
    );
    expect(bundle.dependencies).toEqual({ files });
  });

  it("carries the Data API's script only when Script is its effective run mode", () => {
    const script = 'exports = () => "u1"';
    const bundleWith = (config: Record<string, unknown>) =>
      projectBundle(
        { id: 'deps-abcde', name: 'deps' },
        deployment({
          data_api: DataApiSpecSchema.parse({ run_as_user_id_script_source: script, ...config }),
        }),
      );
    expect(bundleWith({}).data_api_user_script).toBe(script);
    expect(bundleWith({ run_as_system: true }).data_api_user_script).toBeUndefined();
    expect(bundleWith({ run_as_user_id: 'u2' }).data_api_user_script).toBeUndefined();
    expect(bundleWith({ disabled: true }).data_api_user_script).toBeUndefined();
    expect(bundleWith({ run_as_user_id_script_source: '' }).data_api_user_script).toBeUndefined();
  });
});
