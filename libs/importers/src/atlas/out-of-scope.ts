/** Parts of an export Portico does not serve yet, with the reason the import report gives. */
export const OUT_OF_SCOPE: [prefix: string, reason: string][] = [
  ['sync/', 'Device Sync is out of scope for now'],
  ['graphql/', 'GraphQL is out of scope for now'],
  ['hosting/', 'static hosting is out of scope for now'],
  ['triggers/', 'triggers are out of scope for now'],
  ['log_forwarders/', 'log forwarders are out of scope for now'],
  ['.mdb/', 'App Services CLI metadata'],
];

export function ignoredReason(path: string): string {
  for (const [prefix, reason] of OUT_OF_SCOPE) if (path.startsWith(prefix)) return reason;
  return 'not an App Services configuration file Portico reads';
}
