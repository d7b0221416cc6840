import { Injectable } from '@nestjs/common';
import {
  emptyImportReport,
  ErrorCode,
  PorticoError,
  type DeploymentSpec,
  type ImportReport,
} from '@portico/contracts';
import {
  ArchiveError,
  expandDependencyArchives,
  parseAtlasExport,
  readArchive,
  type AtlasExport,
  type FileTree,
} from '@portico/importers';
import { DeploymentService } from '../deployments/deployment.service';
import { checkFunctionSyntax } from './function-syntax.check';

/** Optional parts of a deployment an import replaces: absent from the export means removed from the app. */
const REPLACED_OPTIONAL = [
  'auth_providers',
  'custom_user_data',
  'data_api',
  'services',
  'allowed_request_origins',
  'dependencies',
] as const;

/** A rejected import: HTTP 400 with the report, nothing written. */
function rejected(report: ImportReport): PorticoError {
  return new PorticoError(ErrorCode.InvalidImport, 'import rejected: nothing was changed', 400, { report });
}

/**
 * Imports an App Services export (tar.gz, tar or zip) as the app's next deployment (issue #5 item 1):
 * read safely, parse, check every function's syntax, then one `DeploymentService.change` — atomic, a
 * new version or nothing. The import replaces functions, endpoints, values, environment, auth
 * providers, custom user data, Data API config, services, dependencies and allowed origins, and keeps
 * the app's secrets, API keys, limits and pool (secrets are never in exports; inline legacy webhook
 * secrets are added).
 */
@Injectable()
export class ImportService {
  constructor(private readonly deployments: DeploymentService) {}

  async import(appId: string, body: unknown): Promise<ImportReport> {
    await this.deployments.current(appId);
    const report = emptyImportReport(appId);
    if (!Buffer.isBuffer(body) || body.length === 0) {
      report.errors.push({
        file: '/',
        message:
          'send the export as a tar.gz or zip body (Content-Type application/gzip, application/zip or application/octet-stream)',
      });
      throw rejected(report);
    }
    const parsed = parseAtlasExport(await this.readTree(body, report));
    fillReport(report, parsed);
    for (const [name, file] of Object.entries(parsed.functionFiles)) {
      const problem = checkFunctionSyntax(parsed.spec.functions[name].source, file);
      if (problem) report.errors.push(problem);
    }
    if (report.errors.length > 0) throw rejected(report);

    let missing: ImportReport['missing_secrets'] = [];
    let committed;
    try {
      committed = await this.deployments.change(appId, (spec) => {
        const next = applyImport(spec, parsed);
        missing = parsed.secretRefs.filter((ref) => !Object.hasOwn(next.secrets, ref.name));
        return next;
      });
    } catch (err) {
      // The parser checks what the deployment validator checks; this is the safety net, still a report.
      if (err instanceof PorticoError && err.code === ErrorCode.BadRequest && err.details) {
        for (const [field, message] of Object.entries(err.details))
          report.errors.push({ file: 'deployment', message: `${field}: ${String(message)}` });
        throw rejected(report);
      }
      throw err;
    }
    report.ok = true;
    report.version = committed.current.version;
    report.missing_secrets = missing;
    return report;
  }

  private async readTree(body: Buffer, report: ImportReport): Promise<FileTree> {
    try {
      return await expandDependencyArchives(await readArchive(body));
    } catch (err) {
      if (!(err instanceof ArchiveError)) throw err;
      report.errors.push({ file: err.entry ?? '/', message: err.message });
      throw rejected(report);
    }
  }
}

/** The app's spec with the export's parts in place of its own (pure: `change` may re-run it). */
export function applyImport(spec: DeploymentSpec, parsed: AtlasExport): DeploymentSpec {
  const next: DeploymentSpec = {
    ...spec,
    ...structuredClone(parsed.spec),
    secrets: { ...spec.secrets, ...parsed.inlineSecrets },
  };
  for (const key of REPLACED_OPTIONAL) if (parsed.spec[key] === undefined) delete next[key];
  return next;
}

function fillReport(report: ImportReport, parsed: AtlasExport): void {
  const { spec } = parsed;
  report.generations = parsed.generations;
  report.created = {
    functions: Object.keys(spec.functions).sort(),
    endpoints: spec.endpoints.filter((e) => !e.webhook).map((e) => `${e.http_method} ${e.route}`),
    values: Object.keys(spec.values).sort(),
    webhooks: parsed.webhooks,
    auth_providers: Object.keys(spec.auth_providers ?? {}).sort(),
    data_api: spec.data_api !== undefined && !spec.data_api.disabled,
    data_sources: spec.services ?? [],
    environment: spec.environment.tag,
    dependencies: {
      files: Object.keys(spec.dependencies?.files ?? {}).length,
      bytes: spec.dependencies?.total_bytes ?? 0,
    },
  };
  report.ignored = parsed.ignored;
  report.errors.push(...parsed.errors);
}
