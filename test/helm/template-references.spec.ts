import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type JsonObject,
  loadSchema,
  loadValues,
  readTemplate,
  schemaAt,
  templateFiles,
  valueAt,
  valuesReferences,
  variableFields,
} from './support/chart';

/**
 * What the templates read must exist: every absolute values path (`.Values.a.b`, `$.Values.a.b`,
 * `.root.Values.a.b`, `$v.a.b` after `$v := .Values`) in values.yaml and in the schema, every field of
 * a worker pool in workers.poolDefaults, every included helper defined, every environment variable a
 * documented one. Paths relative to a `with`/`range` scope (`.host` under `range ...hosts`) are not
 * followed; their parent path is.
 */
describe('helm/portico template references', () => {
  const values = loadValues();
  const schema = loadSchema();
  const files = templateFiles();
  const sources = new Map(files.map((f) => [f, readTemplate(f)]));

  describe('the reference reader itself', () => {
    it('finds absolute, $-rooted, root-dict and aliased paths, ignoring strings and comments', () => {
      const source = [
        '{{/* .Values.inComment.ignored */}}',
        '{{ .Values.a.b }} {{- if $.Values.c.d }}{{ end }}',
        '{{ include "x" (dict "root" .root.Values.e.f) }}',
        '{{- $v := .Values -}}{{ $v.g.h }}',
        '{{- $np := .Values.networkPolicy }}{{ toYaml $np.privateCidrs }}',
        '{{ printf ".Values.inString.ignored" }}',
      ].join('\n');
      expect(valuesReferences(source).map((r) => r.path)).toEqual([
        'a.b',
        'c.d',
        'e.f',
        'g.h',
        'networkPolicy',
        'networkPolicy.privateCidrs',
      ]);
    });
  });

  it('reads every template directory the chart has', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'NOTES.txt',
        '_helpers.tpl',
        '_validate.tpl',
        'configmap.yaml',
        'secret.yaml',
        'networkpolicy.yaml',
        'gateway/deployment.yaml',
        'gateway/hpa.yaml',
        'gateway/ingress.yaml',
        'registry/deployment.yaml',
        'registry/ingress.yaml',
        'worker/deployment.yaml',
        'worker/hpa.yaml',
        'redis/statefulset.yaml',
        'mongodb/statefulset.yaml',
        'tests/test-connection.yaml',
      ]),
    );
  });

  const references = files.flatMap((file) =>
    valuesReferences(sources.get(file)!).map((ref) => ({ file, ...ref })),
  );

  it('finds the references of every template that reads values', () => {
    // A reader that silently found nothing would make the two checks below pass vacuously.
    expect(references.length).toBeGreaterThan(150);
    const filesWithRefs = new Set(references.map((r) => r.file));
    for (const file of files.filter((f) => f.endsWith('.yaml')))
      expect({ file, readsValues: filesWithRefs.has(file) }).toEqual({ file, readsValues: true });
  });

  it('every values path a template reads exists in values.yaml', () => {
    const missing = references
      .filter((r) => valueAt(values, r.path) === undefined)
      .map((r) => `${r.file}:${r.line} .Values.${r.path}`);
    expect(missing).toEqual([]);
  });

  it('every values path a template reads exists in values.schema.json', () => {
    const missing = references
      .filter((r) => schemaAt(schema, r.path) === undefined)
      .map((r) => `${r.file}:${r.line} .Values.${r.path}`);
    expect(missing).toEqual([]);
  });

  it('every field read from a worker pool is a key of workers.poolDefaults (or its name) and in the schema', () => {
    const poolDefaults = valueAt(values, 'workers.poolDefaults') as JsonObject;
    const reads = files.flatMap((file) =>
      ['$pool', '$raw'].flatMap((v) => variableFields(sources.get(file)!, v).map((r) => ({ file, ...r }))),
    );
    expect(reads.length).toBeGreaterThan(10);
    const missing = reads.filter(({ path }) => {
      if (path === 'name') return false;
      return (
        valueAt(poolDefaults, path) === undefined ||
        schemaAt(schema, `workers.poolDefaults.${path}`) === undefined
      );
    });
    expect(missing.map((r) => `${r.file}:${r.line} ${r.path}`)).toEqual([]);
  });

  it('every included helper is defined exactly once', () => {
    const defined = new Map<string, number>();
    const included = new Set<string>();
    for (const source of sources.values()) {
      for (const m of source.matchAll(/\{\{-?\s*define\s+"([^"]+)"/g))
        defined.set(m[1], (defined.get(m[1]) ?? 0) + 1);
      for (const m of source.matchAll(/\binclude\s+"([^"]+)"/g)) included.add(m[1]);
    }
    expect([...included].filter((name) => !defined.has(name))).toEqual([]);
    expect([...defined].filter(([, count]) => count > 1)).toEqual([]);
    expect([...defined.keys()].filter((name) => !included.has(name))).toEqual([]);
  });

  it('sets only environment variables documented in docs/configuration.md', () => {
    const docs = readFileSync(join(__dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');
    const documented = new Set([...docs.matchAll(/^\| `([A-Z0-9_]+)`/gm)].map((m) => m[1]));
    expect(documented.has('PORTICO_WORKER_POOL')).toBe(true);
    const configMapKeys = [...sources.get('configmap.yaml')!.matchAll(/^ {2}([A-Z0-9_]+):/gm)].map(
      (m) => m[1],
    );
    const portico = ['_helpers.tpl', 'worker/deployment.yaml'].flatMap((f) =>
      [...sources.get(f)!.matchAll(/- name: ([A-Z0-9_]+)$/gm)].map((m) => m[1]),
    );
    expect(configMapKeys.length).toBeGreaterThan(8);
    expect([...configMapKeys, ...portico].filter((name) => !documented.has(name))).toEqual([]);
    expect(portico).toEqual(
      expect.arrayContaining(['REDIS_URL', 'MONGODB_URI', 'PORTICO_ADMIN_TOKEN', 'PORTICO_WORKER_POOL']),
    );
  });
});
