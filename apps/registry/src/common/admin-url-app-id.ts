/** `/admin/v1/apps/<appId>/…` → the app id as written (bounded, so a long path cannot bloat a log line). */
const APP_PATH = /^\/admin\/v1\/apps\/([A-Za-z0-9._~-]{1,128})(?:[/?#]|$)/;

/** The app an admin API URL is about, for the `appId` of its log lines; `undefined` for none. */
export function adminUrlAppId(url: string): string | undefined {
  return APP_PATH.exec(url)?.[1];
}
