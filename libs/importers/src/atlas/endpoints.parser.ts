import {
  DataApiSpecSchema,
  EndpointSpecSchema,
  type DataApiSpec,
  type EndpointSpec,
} from '@portico/contracts';
import type { ExportReader } from './export-reader';

/** Newer folder first, as Flowerbase reads them (reference §1.1): a mixed export may have both. */
export const ENDPOINT_FOLDERS = ['https_endpoints', 'http_endpoints'] as const;

export interface ParsedEndpoints {
  endpoints: EndpointSpec[];
  /** The file each endpoint came from, for problems found later. */
  files: Map<EndpointSpec, string>;
  dataApi?: DataApiSpec;
}

const NEEDS_SECRET = new Set(['SECRET_AS_QUERY_PARAM', 'VERIFY_PAYLOAD']);

/**
 * `http(s)_endpoints/config.json` (reference §1.2) and `data_api_config.json` (§1.3). The same route and
 * method in both folders is kept once (the newer folder's) and the other reported as ignored.
 */
export function parseEndpoints(reader: ExportReader): ParsedEndpoints {
  const parsed: ParsedEndpoints = { endpoints: [], files: new Map() };
  const seen = new Set<string>();
  for (const folder of ENDPOINT_FOLDERS) {
    const file = `${folder}/config.json`;
    if (!reader.has(file)) continue;
    const raw = reader.json(file);
    if (raw === undefined) continue;
    if (!Array.isArray(raw)) {
      reader.error(file, 'must be a JSON array of endpoints');
      continue;
    }
    raw.forEach((item: unknown, index: number) => {
      const endpoint = reader.parse(file, EndpointSpecSchema, item, `endpoint ${index}`);
      if (endpoint === undefined) return;
      const key = `${endpoint.http_method} ${endpoint.route}`;
      if (seen.has(key)) {
        reader.ignored.push({ path: `${file}#${index}`, reason: `${key} is already defined` });
        return;
      }
      seen.add(key);
      if (NEEDS_SECRET.has(endpoint.validation_method)) {
        if (!endpoint.secret_name)
          reader.error(
            file,
            `endpoint ${index} (${key}): secret_name is required with ${endpoint.validation_method}`,
          );
        else reader.referenceSecret(endpoint.secret_name, `${file}: ${key}`);
      }
      parsed.endpoints.push(endpoint);
      parsed.files.set(endpoint, file);
    });
  }
  for (const folder of ENDPOINT_FOLDERS) {
    const file = `${folder}/data_api_config.json`;
    if (!reader.has(file)) continue;
    if (parsed.dataApi !== undefined) {
      reader.ignore(file, 'a newer data_api_config.json is used');
      continue;
    }
    const raw = reader.json(file);
    if (raw === undefined) continue;
    const dataApi = reader.parse(file, DataApiSpecSchema, raw);
    if (dataApi === undefined) continue;
    if (NEEDS_SECRET.has(dataApi.validation_method)) {
      if (!dataApi.secret_name)
        reader.error(file, `secret_name is required with ${dataApi.validation_method}`);
      else reader.referenceSecret(dataApi.secret_name, file);
    }
    parsed.dataApi = dataApi;
  }
  return parsed;
}
