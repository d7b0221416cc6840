import type { ImportGeneration } from '@portico/contracts';
import { isRecord, type ExportReader } from './export-reader';

/** What the root config files of an export say (reference §1.1). */
export interface RootConfig {
  generations: ImportGeneration[];
  /** The client app id the export was made from, when it names one. */
  clientAppId?: string;
  /** The active environment (`""`: none). */
  environment: string;
  allowedRequestOrigins?: string[];
}

const ROOT_FILES: [string, ImportGeneration][] = [
  ['stitch.json', 'stitch-20180301'],
  ['realm_config.json', 'realm-20210101'],
  ['root_config.json', 'appservices-20230101'],
];

/**
 * Detects the layouts present (several in a mixed export) from their root files. Later generations
 * win for the shared fields (`environment`, `allowed_request_origins`). Undefined when the tree has
 * none of the root files: it is not an App Services export.
 */
export function parseRootConfig(reader: ExportReader): RootConfig | undefined {
  const config: RootConfig = { generations: [], environment: '' };
  for (const [file, generation] of ROOT_FILES) {
    if (!reader.has(file)) continue;
    config.generations.push(generation);
    const root = reader.json(file);
    if (root === undefined) continue;
    if (!isRecord(root)) {
      reader.error(file, 'must be a JSON object');
      continue;
    }
    if (typeof root.app_id === 'string' && root.app_id) config.clientAppId = root.app_id;
    if (typeof root.environment === 'string') config.environment = root.environment;
    if (root.allowed_request_origins !== undefined) {
      const origins = root.allowed_request_origins;
      if (Array.isArray(origins) && origins.every((o) => typeof o === 'string')) {
        config.allowedRequestOrigins = origins;
      } else reader.error(file, 'allowed_request_origins: must be an array of strings');
    }
    if (generation === 'stitch-20180301' && root.hosting !== undefined)
      reader.ignored.push({ path: `${file}#hosting`, reason: 'static hosting is out of scope' });
  }
  if (config.generations.length === 0) return undefined;
  if (reader.has('.mdb/meta.json')) {
    const meta = reader.json('.mdb/meta.json');
    if (isRecord(meta) && typeof meta.client_app_id === 'string') config.clientAppId = meta.client_app_id;
  }
  return config;
}
