import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy, type INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { ConfigError, loadConfig } from '@portico/config';
import {
  K8S_DIR,
  ROOT,
  deployYamlFiles,
  documentedVariables,
  k8sObjects,
  loadYaml,
} from './support/deploy-files';
import { egressAllows } from './support/network-policy';
import { unknownFieldProblems } from './support/strict-fields';

/**
 * deploy/k8s: every object is valid against the Kubernetes API schema (kubernetes-models, offline), and
 * the platform's invariants hold: hardened pods, probes on /healthz and /readyz, configuration that
 * libs/config accepts, and workers that cannot reach private networks.
 */

/** A kubernetes-models class: validates an instance against the API's JSON schema. */
interface ModelClass {
  new (data: any): { validate(): void };
  apiVersion: string;
  kind: string;
}
/**
 * The API types deploy/k8s may use, by `apiVersion/kind`: the model class (JSON-schema validation) and
 * the module of its TypeScript interface (unknown-field check). Anything else fails the test.
 */
const MODELS: Record<string, { model: ModelClass; module: string }> = {
  'v1/Namespace': { model: Namespace, module: 'kubernetes-models/v1/Namespace' },
  'v1/ServiceAccount': { model: ServiceAccount, module: 'kubernetes-models/v1/ServiceAccount' },
  'v1/ConfigMap': { model: ConfigMap, module: 'kubernetes-models/v1/ConfigMap' },
  'v1/Secret': { model: Secret, module: 'kubernetes-models/v1/Secret' },
  'v1/Service': { model: Service, module: 'kubernetes-models/v1/Service' },
  'apps/v1/Deployment': { model: Deployment, module: 'kubernetes-models/apps/v1/Deployment' },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    model: HorizontalPodAutoscaler,
    module: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
  },
  'policy/v1/PodDisruptionBudget': {
    model: PodDisruptionBudget,
    module: 'kubernetes-models/policy/v1/PodDisruptionBudget',
  },
  'networking.k8s.io/v1/NetworkPolicy': {
    model: NetworkPolicy,
    module: 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
  },
};

/** The port each component serves /healthz, /readyz and /metrics on (docs/configuration.md defaults). */
const COMPONENT_PORT: Record<string, { port: number; configKey: 'port' | 'adminPort' | 'workerHealthPort' }> =
  {
    gateway: { port: 8080, configKey: 'port' },
    registry: { port: 8081, configKey: 'adminPort' },
    worker: { port: 8082, configKey: 'workerHealthPort' },
  };

const objects = k8sObjects();
const ofKind = <T>(kind: string): T[] =>
  objects.filter((o) => o.object.kind === kind).map((o) => o.object as T);
const deployments = ofKind<IDeployment>('Deployment');
const componentOf = (labels: Record<string, string> | undefined): string =>
  labels?.['app.kubernetes.io/component'] ?? '';
const deployment = (component: string): IDeployment => {
  const found = deployments.find((d) => componentOf(d.spec?.template.metadata?.labels) === component);
  if (!found) throw new Error(`no Deployment for ${component}`);
  return found;
};
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

describe('deploy/k8s manifests', () => {
  it('has the objects the platform needs', () => {
    expect(Object.keys(COMPONENT_PORT).map((c) => deployment(c).metadata?.name)).toEqual([
      'portico-gateway',
      'portico-registry',
      'portico-worker',
    ]);
    for (const kind of ['Namespace', 'ConfigMap', 'Secret', 'Service', 'NetworkPolicy']) {
      expect(ofKind(kind).length).toBeGreaterThan(0);
    }
  });

  it.each(objects.map((o) => [`${o.file} ${o.object.kind}/${o.object.metadata?.name}`, o.object]))(
    '%s is valid against the Kubernetes API schema',
    (_name, object) => {
      const entry = MODELS[`${object.apiVersion}/${object.kind}`];
      if (!entry) throw new Error(`unknown apiVersion/kind ${object.apiVersion}/${object.kind}`);
      expect(() => new entry.model(object).validate()).not.toThrow();
      // The model constructor fills in apiVersion/kind, so check the file's own values too.
      expect(`${object.apiVersion}/${object.kind}`).toBe(`${entry.model.apiVersion}/${entry.model.kind}`);
      const name = object.metadata?.name ?? '';
      expect(name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
      if (object.kind !== 'Namespace') expect(object.metadata?.namespace).toBe('portico');
    },
  );

  it('uses no field the Kubernetes API does not have', () => {
    const typed = objects.map((o) => {
      const entry = MODELS[`${o.object.apiVersion}/${o.object.kind}`];
      if (!entry) throw new Error(`unknown apiVersion/kind ${o.object.apiVersion}/${o.object.kind}`);
      return {
        label: `${o.file} ${o.object.kind}/${o.object.metadata?.name}`,
        module: entry.module,
        type: `I${entry.model.kind}`,
        object: o.object,
      };
    });
    expect(unknownFieldProblems(typed)).toEqual([]);
  }, 30_000);

  it('names every object once per kind', () => {
    const keys = objects.map((o) => `${o.object.kind}/${o.object.metadata?.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('lists exactly the manifest files in kustomization.yaml, in the portico namespace', () => {
    const [kustomization] = loadYaml('deploy/k8s/kustomization.yaml') as {
      kind: string;
      namespace: string;
      resources: string[];
      images?: { name: string }[];
    }[];
    expect(kustomization.kind).toBe('Kustomization');
    expect(kustomization.namespace).toBe('portico');
    const files = [...new Set(objects.map((o) => o.file.replace(/^deploy\/k8s\//, '')))].sort();
    expect([...kustomization.resources].sort()).toEqual(files);
    for (const file of kustomization.resources) expect(existsSync(join(K8S_DIR, file))).toBe(true);
    // The `images` override must name the image the Deployments use, or it silently does nothing.
    const images = new Set(
      deployments.flatMap((d) => d.spec!.template.spec!.containers.map((c) => c.image!.split(':')[0])),
    );
    expect([...images]).toEqual([kustomization.images?.[0]?.name]);
  });

  it('describes every manifest file in docs/deploy.md', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
    for (const file of deployYamlFiles(K8S_DIR)) expect(doc).toContain(`| \`${basename(file)}\``);
  });

  describe.each(Object.keys(COMPONENT_PORT))('the %s pod template', (component) => {
    const d = deployment(component);
    const pod = d.spec!.template.spec!;
    const { port } = COMPONENT_PORT[component];

    it('is selected by its Deployment and runs the matching image command', () => {
      expect(selects(d.spec!.selector.matchLabels, d.spec!.template.metadata?.labels)).toBe(true);
      expect(pod.containers).toHaveLength(1);
      expect(pod.containers[0].args).toEqual([component]);
    });

    it('runs hardened: non-root, read-only root, no privilege escalation, no capabilities, seccomp', () => {
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.enableServiceLinks).toBe(false);
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      expect(pod.securityContext?.runAsUser).not.toBe(0);
      expect(pod.hostNetwork ?? false).toBe(false);
      expect(pod.hostPID ?? false).toBe(false);
      expect(pod.hostIPC ?? false).toBe(false);
      const account = ofKind<{ metadata: { name: string }; automountServiceAccountToken?: boolean }>(
        'ServiceAccount',
      ).find((a) => a.metadata.name === pod.serviceAccountName);
      expect(account?.automountServiceAccountToken).toBe(false);
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const sc = c.securityContext ?? {};
        expect(sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot).toBe(true);
        expect(sc.runAsUser ?? pod.securityContext?.runAsUser).not.toBe(0);
        expect(sc.readOnlyRootFilesystem).toBe(true);
        expect(sc.allowPrivilegeEscalation).toBe(false);
        expect(sc.privileged ?? false).toBe(false);
        expect(sc.capabilities?.drop).toContain('ALL');
        expect(sc.capabilities?.add ?? []).toEqual([]);
        expect((sc.seccompProfile ?? pod.securityContext?.seccompProfile)?.type).toBe('RuntimeDefault');
      }
    });

    it('writes only to an emptyDir on /tmp', () => {
      const c = pod.containers[0];
      const mounts = c.volumeMounts ?? [];
      expect(mounts.map((m) => m.mountPath)).toEqual(['/tmp']);
      const volume = pod.volumes?.find((v) => v.name === mounts[0].name);
      expect(volume?.emptyDir).toBeDefined();
    });

    it('probes /healthz (liveness) and /readyz (readiness) on its own port', () => {
      const c = pod.containers[0];
      const portOf = (p: number | string | undefined) =>
        typeof p === 'string' ? c.ports?.find((cp) => cp.name === p)?.containerPort : p;
      expect(c.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(c.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(portOf(c.livenessProbe?.httpGet?.port)).toBe(port);
      expect(portOf(c.readinessProbe?.httpGet?.port)).toBe(port);
      if (c.startupProbe) expect(c.startupProbe.httpGet?.path).toBe('/healthz');
      // Prometheus scrapes /metrics on the same port.
      const annotations = d.spec!.template.metadata?.annotations ?? {};
      expect(annotations['prometheus.io/port']).toBe(String(port));
      expect(annotations['prometheus.io/path']).toBe('/metrics');
    });

    it('requests and limits CPU and memory', () => {
      const r = pod.containers[0].resources;
      for (const key of ['cpu', 'memory']) {
        expect(r?.requests?.[key]).toBeDefined();
        expect(r?.limits?.[key]).toBeDefined();
      }
    });

    it('uses only documented variables, and its environment passes libs/config in cluster mode', () => {
      const c = pod.containers[0];
      const env: Record<string, string> = {};
      for (const from of c.envFrom ?? []) {
        const map = ofKind<{ metadata: { name: string }; data?: Record<string, string> }>('ConfigMap').find(
          (m) => m.metadata.name === from.configMapRef?.name,
        );
        expect(map).toBeDefined();
        Object.assign(env, map!.data);
      }
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) {
          const secret = ofKind<{ metadata: { name: string }; stringData?: Record<string, string> }>(
            'Secret',
          ).find((s) => s.metadata.name === ref.name);
          expect(secret?.stringData).toHaveProperty([ref.key]);
          env[e.name] = secret!.stringData![ref.key];
        } else {
          env[e.name] = e.value ?? '';
        }
      }
      const documented = documentedVariables();
      expect(Object.keys(env).filter((name) => !documented.has(name))).toEqual([]);

      // The placeholder admin token is too short on purpose: a registry deployed without replacing it
      // refuses to start. With a real token everything else must load as it is.
      if ('PORTICO_ADMIN_TOKEN' in env) {
        expect(() => loadConfig(env)).toThrow(ConfigError);
        env.PORTICO_ADMIN_TOKEN = 'a'.repeat(32);
      }
      const config = loadConfig(env);
      expect(config.http.host).toBe('0.0.0.0');
      expect(config.transport.kind).toBe('redis');
      expect(config.http[COMPONENT_PORT[component].configKey]).toBe(port);
      // Least privilege: the store only where it is used, the admin token only in the registry.
      expect(config.store.kind).toBe(component === 'gateway' ? 'embedded' : 'mongodb');
      expect(config.adminToken === undefined).toBe(component !== 'registry');
    });

    it('is reachable through a Service whose ports resolve to the container', () => {
      const services = ofKind<{
        spec: {
          selector: Record<string, string>;
          clusterIP?: string;
          ports: { port: number; targetPort?: number | string }[];
        };
      }>('Service').filter((s) => selects(s.spec.selector, d.spec!.template.metadata?.labels));
      expect(services).toHaveLength(1);
      const c = pod.containers[0];
      for (const p of services[0].spec.ports) {
        const target = p.targetPort ?? p.port;
        const resolved =
          typeof target === 'string' ? c.ports?.find((cp) => cp.name === target)?.containerPort : target;
        expect(resolved).toBe(port);
      }
      if (component === 'worker') expect(services[0].spec.clusterIP).toBe('None');
    });

    it('has a PodDisruptionBudget that still lets a node drain', () => {
      const pdbs = ofKind<{
        spec: { selector: { matchLabels: Record<string, string> }; minAvailable?: number };
      }>('PodDisruptionBudget').filter((p) =>
        selects(p.spec.selector.matchLabels, d.spec!.template.metadata?.labels),
      );
      expect(pdbs).toHaveLength(1);
      const hpa = ofKind<{ spec: { scaleTargetRef: { name: string }; minReplicas?: number } }>(
        'HorizontalPodAutoscaler',
      ).find((h) => h.spec.scaleTargetRef.name === d.metadata?.name);
      const fewestReplicas = hpa ? (hpa.spec.minReplicas ?? 1) : (d.spec!.replicas ?? 1);
      expect(pdbs[0].spec.minAvailable).toBeLessThan(fewestReplicas);
    });

    it('is covered by a NetworkPolicy in both directions', () => {
      const policies = ofKind<INetworkPolicy>('NetworkPolicy').filter((p) =>
        selects(p.spec?.podSelector.matchLabels, d.spec!.template.metadata?.labels),
      );
      expect(policies).toHaveLength(1);
      expect([...(policies[0].spec?.policyTypes ?? [])].sort()).toEqual(['Egress', 'Ingress']);
      // Ingress only to the component's own port.
      for (const rule of policies[0].spec?.ingress ?? []) {
        expect(rule.ports?.map((p) => p.port)).toEqual([port]);
      }
    });
  });

  it('scales the gateway and the workers with autoscaling/v2 HPAs the Deployments leave alone', () => {
    const hpas = ofKind<{
      apiVersion: string;
      spec: { scaleTargetRef: { kind: string; name: string }; minReplicas?: number; maxReplicas: number };
    }>('HorizontalPodAutoscaler');
    for (const component of ['gateway', 'worker']) {
      const d = deployment(component);
      const hpa = hpas.find((h) => h.spec.scaleTargetRef.name === d.metadata?.name);
      expect(hpa?.apiVersion).toBe('autoscaling/v2');
      expect(hpa?.spec.scaleTargetRef.kind).toBe('Deployment');
      expect(hpa!.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa!.spec.maxReplicas).toBeGreaterThan(hpa!.spec.minReplicas!);
      // A fixed replica count would be reset on every `kubectl apply`, fighting the autoscaler.
      expect(d.spec?.replicas).toBeUndefined();
      // CPU utilization targets need CPU requests.
      expect(d.spec!.template.spec!.containers[0].resources?.requests?.cpu).toBeDefined();
    }
  });

  describe('worker egress', () => {
    const policy = ofKind<INetworkPolicy>('NetworkPolicy').find((p) =>
      selects(p.spec?.podSelector.matchLabels, deployment('worker').spec!.template.metadata?.labels),
    )!;
    /** Pod, service and node networks, cloud metadata, CGNAT, loopback, IPv6 private and link-local. */
    const privateAddresses = [
      '10.0.0.1',
      '10.96.0.10',
      '172.16.0.1',
      '172.31.255.254',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.100.100.200',
      '127.0.0.1',
      '168.63.129.16',
      'fd00:ec2::254',
      'fe80::1',
    ];
    /** Ports of things a tenant must never reach inside the cluster. */
    const internalPorts = [22, 80, 443, 2379, 3000, 5432, 8080, 8443, 9090, 10250];
    /** What a worker legitimately talks to inside: DNS, Redis, MongoDB, the registry. */
    const platformPorts = new Set([53, 6379, 27017, 8081]);

    it('excludes every private range from the internet rule', () => {
      const internet = (policy.spec?.egress ?? []).filter((r) => r.ports?.some((p) => p.port === 443));
      expect(internet).toHaveLength(1);
      const v4 = internet[0].to?.find((peer) => peer.ipBlock?.cidr === '0.0.0.0/0')?.ipBlock;
      expect(v4?.except).toEqual(
        expect.arrayContaining([
          '10.0.0.0/8',
          '172.16.0.0/12',
          '192.168.0.0/16',
          '169.254.0.0/16',
          '100.64.0.0/10',
          '127.0.0.0/8',
        ]),
      );
    });

    it.each(privateAddresses)('cannot reach %s but on the platform ports', (address) => {
      for (const port of internalPorts) {
        if (platformPorts.has(port)) continue;
        expect({ port, allowed: egressAllows(policy, address, port, true) }).toEqual({
          port,
          allowed: false,
        });
      }
    });

    it('reaches the internet on 80 and 443 only', () => {
      for (const address of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111']) {
        expect(egressAllows(policy, address, 443, false)).toBe(true);
        expect(egressAllows(policy, address, 80, false)).toBe(true);
        expect(egressAllows(policy, address, 22, false)).toBe(false);
        expect(egressAllows(policy, address, 8080, false)).toBe(false);
      }
    });

    it('reaches DNS, Redis, MongoDB and the registry', () => {
      for (const port of platformPorts) expect(egressAllows(policy, '10.0.0.10', port, true)).toBe(true);
    });
  });

  it('lets no component send to any address on any port', () => {
    for (const p of ofKind<INetworkPolicy>('NetworkPolicy')) {
      for (const rule of p.spec?.egress ?? []) expect(rule.ports?.length ?? 0).toBeGreaterThan(0);
    }
  });
});
