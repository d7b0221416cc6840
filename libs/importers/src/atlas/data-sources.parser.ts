import { isRecord, type ExportReader } from './export-reader';

const DATA_SOURCE_TYPES = new Set(['mongodb-atlas', 'mongodb-datafederation', 'datalake']);

/**
 * Data source names (reference §1.8): `data_sources/<svc>/config.json`, and Stitch-era
 * `services/<svc>/config.json` of type `mongodb-atlas`. The name is free-form; each one resolves to
 * the app's own data through `context.services.get(name)`. Rules and schemas are out of scope.
 */
export function parseDataSources(reader: ExportReader): string[] {
  const names: string[] = [];
  const add = (file: string, dir: string, stitch: boolean): void => {
    const raw = reader.json(file);
    if (raw === undefined) return;
    if (!isRecord(raw)) {
      reader.error(file, 'must be a JSON object');
      return;
    }
    const type = typeof raw.type === 'string' ? raw.type : 'mongodb-atlas';
    if (!DATA_SOURCE_TYPES.has(type)) {
      // A Stitch service of another type (`http`, `github`…) only declares its webhooks.
      if (!stitch) reader.ignored.push({ path: file, reason: `data source type "${type}" is not supported` });
      return;
    }
    const name = typeof raw.name === 'string' && raw.name ? raw.name : dir;
    if (!names.includes(name)) names.push(name);
  };
  for (const file of reader.under('data_sources/')) {
    const m = /^data_sources\/([^/]+)\/config\.json$/.exec(file);
    if (m) add(file, m[1], false);
    else if (file.endsWith('.json'))
      reader.ignore(file, 'collection rules, schemas and relationships are out of scope for now');
  }
  for (const file of reader.under('services/')) {
    const m = /^services\/([^/]+)\/config\.json$/.exec(file);
    if (m) add(file, m[1], true);
    else if (/^services\/[^/]+\/rules\//.test(file))
      reader.ignore(file, 'service rules are out of scope for now');
  }
  return names;
}
