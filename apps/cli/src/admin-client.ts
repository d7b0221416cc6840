import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliConfig } from '@portico/config';

/** A failed admin call, with the API's own error body when there is one. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const b = body as { error?: string; details?: unknown } | undefined;
    super(
      `admin API answered ${status}: ${b?.error ?? JSON.stringify(body)}${b?.details ? ` ${JSON.stringify(b.details)}` : ''}`,
    );
  }
}

/** Thin client of the admin REST API used by the CLI commands. */
export class AdminClient {
  private readonly token: string;

  constructor(private readonly config: CliConfig) {
    this.token = config.adminToken ?? AdminClient.readStoredToken(config.dataDir);
  }

  private static readStoredToken(dataDir: string): string {
    try {
      return readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    } catch {
      throw new Error(
        `no admin token: set PORTICO_ADMIN_TOKEN or pass --token (none found in ${dataDir}/admin-token)`,
      );
    }
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.config.adminUrl}/admin/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new AdminApiError(res.status, parsed);
    return parsed as T;
  }
}
