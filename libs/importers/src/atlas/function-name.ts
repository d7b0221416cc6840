/**
 * Function names (reference §1.5) are paths under `functions/`: `[A-Za-z0-9_./-]`, at most 512, no
 * empty, `.` or `..` segment, not starting with `/`. The same rule as the admin API's, so an imported
 * function can be managed one by one afterwards.
 */
export function isValidFunctionName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 512 &&
    /^[A-Za-z0-9_./-]+$/.test(name) &&
    name !== '__proto__' &&
    name.split('/').every((s) => s !== '' && s !== '.' && s !== '..')
  );
}

/** A free-form name made into one safe name segment (`my service` → `my_service`). */
export function safeSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+$/, '_');
}
