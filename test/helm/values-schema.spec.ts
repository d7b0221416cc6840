import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { type JsonObject, loadSchema, loadValues, parseYaml } from './support/chart';

/** values.yaml against values.schema.json (JSON Schema draft-07, what `helm install` checks). */
describe('helm/portico values.schema.json', () => {
  let validate: ValidateFunction;
  let defaults: JsonObject;

  beforeAll(() => {
    // Strict, except two draft-07 idioms the schema uses on purpose: `required`/`propertyNames` next
    // to an `allOf` that brings the properties (siblings of $ref are ignored in draft-07), and types
    // implied by the referenced definitions.
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
    const schema = loadSchema();
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(ajv.validateSchema(schema)).toBe(true);
    validate = ajv.compile(schema);
    defaults = loadValues();
  });

  /** The defaults with a YAML override deep-merged in (lists replace, as in helm). */
  const withOverride = (override: string): JsonObject => {
    const merge = (base: unknown, over: unknown): unknown => {
      if (typeof base !== 'object' || base === null || Array.isArray(base)) return over;
      if (typeof over !== 'object' || over === null || Array.isArray(over)) return over;
      const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
      for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v);
      return out;
    };
    return merge(structuredClone(defaults), parseYaml(override)) as JsonObject;
  };
  const errorsOf = (values: JsonObject): ErrorObject[] => (validate(values) ? [] : (validate.errors ?? []));

  it('accepts the default values.yaml', () => {
    expect(errorsOf(defaults)).toEqual([]);
  });

  it.each([
    [
      'external stores from existing Secrets, no bundled ones',
      `redis: {enabled: false}
externalRedis: {existingSecret: portico-redis}
mongodb: {enabled: false}
externalMongodb: {uri: "mongodb+srv://user:pw@cluster0.example.net/"}`,
    ],
    [
      'a gpu pool with its own nodes, autoscaling and sandbox processes',
      `workers:
  pools:
    - name: default
    - name: gpu
      replicaCount: 1
      sandboxProcesses: 8
      nodeSelector: {portico.dev/node: gpu}
      tolerations: [{key: gpu, operator: Exists, effect: NoSchedule}]
      autoscaling: {enabled: true, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 60, targetMemoryUtilizationPercentage: ""}`,
    ],
    [
      'both ingresses with TLS and an admin token',
      `auth: {adminToken: 0123456789abcdef0123}
gateway:
  autoscaling: {enabled: true, minReplicas: 3, maxReplicas: 30}
  ingress: {enabled: true, className: nginx, hosts: [api.example.com], tls: [{hosts: [api.example.com], secretName: api-tls}]}
registry:
  pdb: {create: true, minAvailable: "50%", maxUnavailable: ""}
  ingress: {enabled: true, hosts: [admin.example.com], path: /admin/}
networkPolicy: {internetPorts: [443, "8443"], dns: {namespace: kube-system, podSelector: {k8s-app: null}}}`,
    ],
    ['helm global values', 'global: {imageRegistry: ""}'],
  ])('accepts %s', (_name, override) => {
    expect(errorsOf(withOverride(override))).toEqual([]);
  });

  it.each([
    ['a misspelt top-level key', 'gatway: {replicaCount: 3}', '', 'additionalProperties'],
    ['a misspelt component key', 'gateway: {replicas: 3}', '/gateway', 'additionalProperties'],
    ['an upper-case pool name', 'workers: {pools: [{name: GPU_Pool}]}', '/workers/pools/0/name', 'pattern'],
    ['a pool without a name', 'workers: {pools: [{replicaCount: 2}]}', '/workers/pools/0', 'required'],
    ['an unknown pool key', 'workers: {pools: [{name: gpu, replicas: 2}]}', '/workers/pools/0', 'enum'],
    ['no worker pool', 'workers: {pools: []}', '/workers/pools', 'minItems'],
    ['no pool named default', 'workers: {pools: [{name: gpu}]}', '/workers/pools', 'contains'],
    [
      'zero minimum replicas',
      'gateway: {autoscaling: {minReplicas: 0}}',
      '/gateway/autoscaling/minReplicas',
      'minimum',
    ],
    ['an unknown log level', 'config: {logLevel: verbose}', '/config/logLevel', 'enum'],
    ['an admin token under 16 characters', 'auth: {adminToken: short}', '/auth/adminToken', 'anyOf'],
    [
      'a Redis URL of another scheme',
      'externalRedis: {url: "http://redis:6379"}',
      '/externalRedis/url',
      'pattern',
    ],
    [
      'a MongoDB URI of another scheme',
      'externalMongodb: {uri: "postgres://db"}',
      '/externalMongodb/uri',
      'pattern',
    ],
    [
      'a PDB count that is neither number nor percentage',
      'gateway: {pdb: {minAvailable: half}}',
      '/gateway/pdb/minAvailable',
      'oneOf',
    ],
    [
      'a CPU target above 100%',
      'gateway: {autoscaling: {targetCPUUtilizationPercentage: 150}}',
      '/gateway/autoscaling/targetCPUUtilizationPercentage',
      'oneOf',
    ],
    ['a port out of range', 'gateway: {containerPort: 70000}', '/gateway/containerPort', 'maximum'],
    ['a string replica count', 'registry: {replicaCount: "two"}', '/registry/replicaCount', 'type'],
    [
      'an ingress path without a leading slash',
      'gateway: {ingress: {path: app}}',
      '/gateway/ingress/path',
      'pattern',
    ],
    [
      'an ingress host that is a URL',
      'gateway: {ingress: {hosts: ["https://a.example.com"]}}',
      '/gateway/ingress/hosts/0',
      'pattern',
    ],
    [
      'an internet port that is a name',
      'networkPolicy: {internetPorts: [https]}',
      '/networkPolicy/internetPorts/0',
      'oneOf',
    ],
    [
      'a security context that allows root',
      'containerSecurityContext: {runAsNonRoot: "no"}',
      '/containerSecurityContext/runAsNonRoot',
      'type',
    ],
    [
      'a Service type that does not exist',
      'registry: {service: {type: Internal}}',
      '/registry/service/type',
      'enum',
    ],
  ])('rejects %s', (_name, override, instancePath, keyword) => {
    const errors = errorsOf(withOverride(override));
    expect(errors.map((e) => [e.instancePath, e.keyword])).toContainEqual([instancePath, keyword]);
  });
});
