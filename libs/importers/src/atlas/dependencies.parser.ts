import { MAX_DEPENDENCY_BYTES, type DependencyBundle } from '@portico/contracts';
import { isRecord, type ExportReader } from './export-reader';

const PREFIX = 'functions/node_modules/';
const LOADABLE = /\.(js|cjs|json)$/;

/**
 * npm dependencies of the functions (reference §1.5): `functions/package.json` and the loadable files
 * (`.js`, `.cjs`, `.json`) of `functions/node_modules/`, keyed by their path below it. An uploaded
 * `node_modules` archive has already been unpacked there (`expandDependencyArchives`). At most 15 MB.
 */
export function parseDependencies(reader: ExportReader): DependencyBundle | undefined {
  let packageJson: Record<string, unknown> | undefined;
  if (reader.has('functions/package.json')) {
    const raw = reader.json('functions/package.json');
    if (raw !== undefined && !isRecord(raw)) reader.error('functions/package.json', 'must be a JSON object');
    else packageJson = raw;
  }
  const files: Record<string, string> = {};
  let total = 0;
  let skipped = 0;
  for (const path of reader.under(PREFIX)) {
    if (!LOADABLE.test(path)) {
      reader.use(path);
      skipped++;
      continue;
    }
    const text = reader.text(path) ?? '';
    files[path.slice(PREFIX.length)] = text;
    total += Buffer.byteLength(text);
  }
  if (skipped > 0)
    reader.ignored.push({
      path: PREFIX,
      reason: `${skipped} file(s) that require() cannot load (only .js, .cjs and .json are kept)`,
    });
  if (total > MAX_DEPENDENCY_BYTES)
    reader.error(PREFIX, `dependencies are ${total} bytes; at most ${MAX_DEPENDENCY_BYTES} are allowed`);
  if (packageJson === undefined && Object.keys(files).length === 0) return undefined;
  return { ...(packageJson ? { package_json: packageJson } : {}), files, total_bytes: total };
}
