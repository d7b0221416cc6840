import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = join(__dirname, '..', '..', '..');
export const DEPLOY_DIR = join(ROOT, 'deploy');
export const K8S_DIR = join(DEPLOY_DIR, 'k8s');

/** Every YAML file under `dir` (default deploy/: compose and Kubernetes), relative to the repository root. */
export function deployYamlFiles(dir = DEPLOY_DIR): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((entry) => {
      const path = join(d, entry.name);
      if (entry.isDirectory()) return walk(path);
      return /\.ya?ml$/.test(entry.name) ? [path] : [];
    });
  return walk(dir)
    .map((p) => relative(ROOT, p))
    .sort();
}

/**
 * Parses every document of a YAML file strictly: a syntax error, a duplicate key or an unresolved
 * alias throws, naming the file. `merge` resolves `<<` keys the way Docker Compose does.
 */
export function loadYaml(path: string): unknown[] {
  const text = readFileSync(join(ROOT, path), 'utf8');
  const docs = parseAllDocuments(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  if (!Array.isArray(docs)) throw new Error(`${path}: not a YAML stream`);
  const problems = docs.flatMap((doc) => [...doc.errors, ...doc.warnings].map((e) => e.message));
  if (problems.length > 0) throw new Error(`${path}:\n${problems.join('\n')}`);
  return docs.map((doc) => doc.toJS({ maxAliasCount: 100 }) as unknown).filter((d) => d !== null);
}

/** One Kubernetes object of deploy/k8s with the file it came from. */
export interface ManifestObject {
  file: string;
  object: { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } } & Record<
    string,
    unknown
  >;
}

/** Every object of every file in deploy/k8s except kustomization.yaml (which is not an API object). */
export function k8sObjects(): ManifestObject[] {
  return deployYamlFiles(K8S_DIR)
    .filter((file) => !/kustomization\.ya?ml$/.test(file))
    .flatMap((file) =>
      loadYaml(file).map((object) => ({ file, object: object as ManifestObject['object'] })),
    );
}

/**
 * The variable names of docs/configuration.md: the first column of its tables (`| \`NAME\` | ...`).
 * Deployment files may use only these, so a misspelt variable fails instead of being silently ignored.
 */
export function documentedVariables(): Set<string> {
  const doc = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
  const names = new Set<string>();
  for (const match of doc.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)) names.add(match[1]);
  return names;
}

/** docker compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}` interpolation. */
export function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
    (_all, name: string, op: string | undefined, arg: string | undefined) => {
      const set = env[name];
      const present = op?.startsWith(':') ? set !== undefined && set !== '' : set !== undefined;
      if (present) return set;
      if (op?.endsWith('?')) throw new Error(`${name}: ${arg ?? 'required'}`);
      return op ? (arg ?? '') : '';
    },
  );
}
