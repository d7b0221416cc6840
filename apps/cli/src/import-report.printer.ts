import type { ImportReport } from '@portico/contracts';

const list = (items: readonly string[]): string => (items.length === 0 ? '(none)' : items.join(', '));

/** The import report for a person: what was created, ignored, still to do, or why it was rejected. */
export function formatImportReport(report: ImportReport): string {
  const lines: string[] = [];
  const c = report.created;
  if (report.ok) lines.push(`Imported into ${report.app_id}: version ${report.version ?? '?'}`);
  else lines.push(`Import into ${report.app_id} REJECTED: nothing was changed`);
  if (report.generations.length > 0) lines.push(`  layout:         ${report.generations.join(' + ')}`);
  if (report.errors.length > 0) {
    lines.push('', `Errors (${report.errors.length}):`);
    for (const e of report.errors)
      lines.push(`  ${e.file}${e.line === undefined ? '' : `:${e.line}`}: ${e.message}`);
  }
  if (report.ok) {
    lines.push(
      `  functions:      ${c.functions.length} ${c.functions.length ? `(${c.functions.join(', ')})` : ''}`.trimEnd(),
      `  endpoints:      ${list(c.endpoints)}`,
      `  webhooks:       ${list(c.webhooks)}`,
      `  values:         ${list(c.values)}`,
      `  environment:    ${c.environment === '' ? '(none)' : c.environment}`,
      `  auth providers: ${list(c.auth_providers)}`,
      `  data sources:   ${list(c.data_sources)}`,
      `  Data API:       ${c.data_api ? 'enabled' : 'off'}`,
      `  dependencies:   ${c.dependencies.files} files, ${c.dependencies.bytes} bytes`,
    );
  }
  if (report.missing_secrets.length > 0) {
    lines.push('', 'Secrets to set (portico secrets set <app> <name>, value on stdin):');
    for (const s of report.missing_secrets)
      lines.push(`  ${s.name}  (used by ${s.referenced_by.join('; ')})`);
  }
  if (report.ignored.length > 0) {
    lines.push('', `Ignored (${report.ignored.length}):`);
    for (const i of report.ignored) lines.push(`  ${i.path}: ${i.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
