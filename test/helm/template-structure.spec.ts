import {
  checkStructure,
  lexTemplate,
  loadValues,
  readTemplate,
  templateFiles,
  valueAt,
} from './support/chart';

/**
 * A cheap lint of the Go templates (no helm binary here): actions closed, blocks matched by `end`; and
 * the hardening every Portico workload must carry, read from the template text.
 */
describe('helm/portico template structure', () => {
  const files = templateFiles();

  describe('the lint itself', () => {
    it.each([
      ['an unclosed action', 'a: {{ .Values.x', "'{{' not closed"],
      ['a stray closing', 'a: }}', "'}}' without an opening '{{'"],
      ['an if without end', '{{ if .a }}x', 'if never closed by end'],
      ['an extra end', '{{ with .a }}x{{ end }}{{ end }}', 'end without an open block'],
      ['else outside a block', '{{ else }}', 'else outside if/range/with'],
      ['a define inside a block', '{{ if .a }}{{ define "x" }}{{ end }}{{ end }}', 'define inside if'],
      ['an unclosed comment', '{{/* never closed }}', "comment not closed with '*/}}'"],
    ])('reports %s', (_name, source, message) => {
      expect(checkStructure(source).join('\n')).toContain(message);
    });

    it('accepts nesting, else-if chains, trim markers, comments and braces inside strings', () => {
      const source = [
        '{{- /* a comment with {{ braces }} */ -}}',
        '{{- define "x" -}}{{ if .a }}1{{ else if .b }}2{{ else }}3{{ end }}{{- end -}}',
        '{{ range $i, $v := .list }}{{ with $v }}{{ printf "}}" }}{{ end }}{{ end }}',
        "jsonpath='{.data.{{ $ref.key }}}'",
      ].join('\n');
      expect(checkStructure(source)).toEqual([]);
      expect(lexTemplate(source).actions.filter((a) => !a.comment)).toHaveLength(12);
    });
  });

  it.each(files)('%s is balanced', (file) => {
    expect(checkStructure(readTemplate(file))).toEqual([]);
  });

  const manifests = files.filter((f) => f.endsWith('.yaml'));

  it.each(manifests)('%s names its namespace from the release and creates no Namespace', (file) => {
    const source = readTemplate(file);
    expect(source).not.toMatch(/kind:\s*Namespace\b/);
    const kinds = source.match(/^kind: /gm) ?? [];
    const namespaces = source.match(/^ {2}namespace: \{\{ \$?\.Release\.Namespace \}\}$/gm) ?? [];
    expect(namespaces.length).toBe(kinds.length);
  });

  const workloads = manifests.filter((f) => /^kind: (Deployment|StatefulSet|Pod)$/m.test(readTemplate(f)));

  it('finds the workloads: registry, gateway, workers, redis, mongodb, the test pod', () => {
    expect(workloads.sort()).toEqual([
      'gateway/deployment.yaml',
      'mongodb/statefulset.yaml',
      'redis/statefulset.yaml',
      'registry/deployment.yaml',
      'tests/test-connection.yaml',
      'worker/deployment.yaml',
    ]);
  });

  it.each(workloads)('%s mounts no service account token and hardens its containers', (file) => {
    const source = readTemplate(file);
    const automount = /automountServiceAccountToken: false|include "portico.podCommon"/;
    expect(source).toMatch(automount);
    expect(source).toMatch(/securityContext:\n\s+\{\{- toYaml \$?\.Values\.containerSecurityContext/);
    expect(source).toMatch(/runAsNonRoot: true|include "portico.podCommon"/);
  });

  it('the shared security contexts are non-root, read-only, capability-less and RuntimeDefault', () => {
    const values = loadValues();
    expect(valueAt(values, 'containerSecurityContext')).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(valueAt(values, 'podSecurityContext')).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(readTemplate('_helpers.tpl')).toMatch(/automountServiceAccountToken: false/);
  });

  it.each([
    ['registry/deployment.yaml', 'registry', 'http-admin'],
    ['gateway/deployment.yaml', 'gateway', 'http'],
    ['worker/deployment.yaml', 'worker', 'http-health'],
  ])('%s runs the %s entry point with /healthz and /readyz probes on its port', (file, entry, port) => {
    const source = readTemplate(file);
    expect(source).toContain(`args: ["${entry}"]`);
    expect(source).toContain(`include "portico.probes" (dict "root" $ "port" "${port}")`);
    expect(source).toContain(`- name: ${port}\n`);
    const probes = readTemplate('_helpers.tpl');
    expect(probes).toMatch(/readinessProbe:\n\s+httpGet:\n\s+path: \/readyz/);
    expect(probes).toMatch(/livenessProbe:\n\s+httpGet:\n\s+path: \/healthz/);
  });

  it('gives the workers a writable /tmp for their sandbox processes and their pool name', () => {
    const source = readTemplate('worker/deployment.yaml');
    expect(source).toMatch(/- name: tmp\n\s+mountPath: \/tmp/);
    expect(source).toMatch(
      /- name: tmp\n\s+emptyDir:\n\s+sizeLimit: \{\{ \$\.Values\.workers\.tmpSizeLimit \}\}/,
    );
    expect(source).toMatch(/- name: PORTICO_WORKER_POOL\n\s+value: \{\{ \$pool\.name \| quote \}\}/);
  });

  it('lets workers reach the internet only outside the private ranges', () => {
    const values = loadValues();
    expect(valueAt(values, 'networkPolicy.privateCidrs')).toEqual(
      expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']),
    );
    const source = readTemplate('networkpolicy.yaml');
    expect(source).toMatch(/cidr: 0\.0\.0\.0\/0\n\s+\{\{- with \$np\.privateCidrs \}\}\n\s+except:/);
    expect(source).toMatch(/policyTypes:\n\s+- Ingress\n\s+- Egress/);
  });

  it('uses autoscaling/v2 and policy/v1', () => {
    for (const file of manifests) {
      const source = readTemplate(file);
      if (source.includes('kind: HorizontalPodAutoscaler'))
        expect(source).toContain('apiVersion: autoscaling/v2\n');
      if (source.includes('kind: PodDisruptionBudget')) expect(source).toContain('apiVersion: policy/v1\n');
    }
  });

  it('the connection test is a helm test hook that curls both /readyz', () => {
    const source = readTemplate('tests/test-connection.yaml');
    expect(source).toContain('helm.sh/hook: test');
    expect(source).toMatch(/portico\.gateway\.fullname.*\/readyz/);
    expect(source).toMatch(/portico\.registry\.fullname.*\/readyz/);
  });
});
