import type { InvocationLogEntry } from '@portico/contracts';
import type { AdminClient } from '../admin-client';

/** One log entry on one line (plus its console lines), oldest-first friendly. */
export function formatLogEntry(e: InvocationLogEntry): string {
  const head = `${e.time} ${e.status} ${e.method} ${e.route} → ${e.function_name} ${Math.round(e.duration_ms)}ms [${e.requestId}]`;
  const error = e.error ? `\n  error ${e.error.code}: ${e.error.message}` : '';
  return `${head}${error}${e.logs.map((l) => `\n  ${l}`).join('')}`;
}

/**
 * `portico logs <app> [--follow]`: the newest entries, oldest first; with `--follow`, polls the admin
 * API every `intervalMs` and prints entries not seen yet, until interrupted.
 */
export async function logs(
  admin: AdminClient,
  appId: string,
  opts: { limit: number; follow: boolean; intervalMs?: number; out: (line: string) => void },
): Promise<void> {
  const seen = new Set<string>();
  const path = `/apps/${encodeURIComponent(appId)}/logs?limit=`;
  const print = (entries: InvocationLogEntry[]): void => {
    for (const entry of [...entries].reverse()) {
      if (seen.has(entry.id)) continue;
      seen.add(entry.id);
      opts.out(formatLogEntry(entry));
    }
  };
  print((await admin.request<{ logs: InvocationLogEntry[] }>('GET', `${path}${opts.limit}`)).logs);
  while (opts.follow) {
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 1000));
    print((await admin.request<{ logs: InvocationLogEntry[] }>('GET', `${path}100`)).logs);
  }
}
