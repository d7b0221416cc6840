import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ImportReport } from '@portico/contracts';
import { packDirectory } from '@portico/importers';
import { AdminApiError, type AdminClient } from '../admin-client';
import { CliError, EXIT, UsageError } from '../cli-errors';
import { formatImportReport } from '../import-report.printer';

const ROOT_FILES = ['stitch.json', 'realm_config.json', 'root_config.json'];
const UPLOAD_CHUNK = 64 * 1024;

export interface DeployOptions {
  dir: string;
  appId: string;
  json: boolean;
  /** Progress lines (stderr). */
  progress: (line: string) => void;
  /** The report (stdout). */
  out: (text: string) => void;
}

/** A stream over `bytes` that reports, in quarters, how much of it the upload has taken. */
function uploadStream(bytes: Buffer, progress: (line: string) => void): ReadableStream<Uint8Array> {
  let offset = 0;
  let reported = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      const chunk = bytes.subarray(offset, offset + UPLOAD_CHUNK);
      offset += chunk.length;
      controller.enqueue(new Uint8Array(chunk));
      const quarter = Math.floor((offset / bytes.length) * 4);
      if (quarter > reported) {
        reported = quarter;
        progress(`uploaded ${offset} of ${bytes.length} bytes (${quarter * 25}%)`);
      }
    },
  });
}

/**
 * `portico deploy <dir> --app <id>`: packs an App Services export directory into a tar.gz, uploads it
 * to `POST /apps/:appId/import` and prints the import report. Exit 0 on success, 1 when the import is
 * rejected (the report says why), 2 when the directory is not an export.
 */
export async function deploy(admin: AdminClient, opts: DeployOptions): Promise<number> {
  const dir = resolve(opts.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`${opts.dir} is not a directory`);
  if (!ROOT_FILES.some((f) => existsSync(join(dir, f))))
    throw new CliError(
      `${opts.dir} is not an App Services export directory: it has no stitch.json, realm_config.json or root_config.json`,
      EXIT.usage,
    );
  let files = 0;
  let bytes = 0;
  const archive = await packDirectory(dir, (_path, size) => {
    files++;
    bytes += size;
  });
  opts.progress(`packed ${files} files (${bytes} bytes) into a ${archive.length}-byte tar.gz`);
  let report: ImportReport;
  try {
    const result = await admin.upload<{ report: ImportReport }>(
      `/apps/${encodeURIComponent(opts.appId)}/import`,
      uploadStream(archive, opts.progress),
      'application/gzip',
      archive.length,
    );
    report = result.report;
  } catch (err) {
    const rejected = (err as AdminApiError).body as { details?: { report?: ImportReport } } | undefined;
    if (err instanceof AdminApiError && rejected?.details?.report) report = rejected.details.report;
    else if (err instanceof AdminApiError) throw new CliError(`deploy failed: ${err.message}`, EXIT.rejected);
    else throw err;
  }
  opts.out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatImportReport(report));
  return report.ok ? EXIT.ok : EXIT.rejected;
}
