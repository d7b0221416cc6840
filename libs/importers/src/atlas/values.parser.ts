import type { ValueSpec } from '@portico/contracts';
import { isRecord, type ExportReader } from './export-reader';

/**
 * `values/<name>.json` (reference §1.6): `{name, value, from_secret}`; the name is the file's when the
 * JSON has none. A `from_secret` value names a secret, which is referenced (secrets are never exported).
 */
export function parseValues(reader: ExportReader): Record<string, ValueSpec> {
  const values: Record<string, ValueSpec> = {};
  for (const file of reader.under('values/')) {
    if (!file.endsWith('.json') || file.slice('values/'.length).includes('/')) continue;
    const raw = reader.json(file);
    if (raw === undefined) continue;
    if (!isRecord(raw)) {
      reader.error(file, 'must be a JSON object {name, value, from_secret}');
      continue;
    }
    const name = typeof raw.name === 'string' && raw.name ? raw.name : file.slice('values/'.length, -5);
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(name) || name === '__proto__') {
      reader.error(file, `value name "${name}" may only use letters, digits, "_" and "-"`);
      continue;
    }
    const fromSecret = raw.from_secret === true;
    if (fromSecret && (typeof raw.value !== 'string' || raw.value === '')) {
      reader.error(file, 'value: must name a secret when from_secret is true');
      continue;
    }
    if (!fromSecret && raw.value === undefined) {
      reader.error(file, 'value: required');
      continue;
    }
    if (fromSecret) reader.referenceSecret(raw.value as string, file);
    values[name] = { value: raw.value, from_secret: fromSecret };
  }
  return values;
}

const NO_ENVIRONMENT = 'no-environment';

/**
 * The active environment (reference §1.6): `environments/<tag>.json` `{values}` for the root config's
 * `environment`, or `no-environment.json` when it is empty. The other environments are reported as ignored.
 */
export function parseEnvironment(
  reader: ExportReader,
  tag: string,
): { tag: string; values: Record<string, unknown> } {
  const active = `environments/${tag || NO_ENVIRONMENT}.json`;
  let values: Record<string, unknown> = {};
  for (const file of reader.under('environments/')) {
    if (file !== active) {
      reader.ignore(file, `not the active environment ("${tag}")`);
      continue;
    }
    const raw = reader.json(file);
    if (raw === undefined) continue;
    if (!isRecord(raw) || (raw.values !== undefined && !isRecord(raw.values))) {
      reader.error(file, 'must be a JSON object {"values": {…}}');
      continue;
    }
    values = raw.values ?? {};
  }
  if (tag && !reader.has(active))
    reader.ignored.push({
      path: active,
      reason: `the active environment "${tag}" has no file; its values are empty`,
    });
  return { tag, values };
}
