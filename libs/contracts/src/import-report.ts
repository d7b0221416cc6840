/**
 * The answer of an import (`POST /admin/v1/apps/:appId/import`, `portico deploy`): what the export
 * became, what was left out and why, which secrets the config names but the app lacks, and every
 * problem that stopped it. It crosses HTTP to the CLI, hence here. An import is atomic: with any
 * `errors`, `ok` is false and nothing was written.
 */
export interface ImportReport {
  ok: boolean;
  app_id: string;
  /** The deployment version the import created (absent when rejected). */
  version?: number;
  /** Layouts found (reference §1.1); several for a mixed export. */
  generations: ImportGeneration[];
  created: {
    functions: string[];
    endpoints: string[];
    values: string[];
    /** Legacy incoming webhooks, as `<service>/<name>`. */
    webhooks: string[];
    auth_providers: string[];
    data_api: boolean;
    data_sources: string[];
    /** The active environment's tag (`""` when none). */
    environment: string;
    dependencies: { files: number; bytes: number };
  };
  ignored: { path: string; reason: string }[];
  missing_secrets: { name: string; referenced_by: string[] }[];
  errors: ImportProblem[];
}

export type ImportGeneration = 'stitch-20180301' | 'realm-20210101' | 'appservices-20230101';

/** One reason an import was rejected: the file (path inside the export) and, for code, the line. */
export interface ImportProblem {
  file: string;
  line?: number;
  message: string;
}

/** An empty report for `appId`, filled by the importer and the registry. */
export function emptyImportReport(appId: string): ImportReport {
  return {
    ok: false,
    app_id: appId,
    generations: [],
    created: {
      functions: [],
      endpoints: [],
      values: [],
      webhooks: [],
      auth_providers: [],
      data_api: false,
      data_sources: [],
      environment: '',
      dependencies: { files: 0, bytes: 0 },
    },
    ignored: [],
    missing_secrets: [],
    errors: [],
  };
}
