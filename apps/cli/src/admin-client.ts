import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliConfig } from '@portico/config';
import { CliError, EXIT } from './cli-errors';

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

/** Why `fetch` could not talk to a server (`ECONNREFUSED`, `ENOTFOUND`…), from its `cause`. */
export function networkReason(err: unknown): string | undefined {
  if (!(err instanceof TypeError)) return undefined;
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  return typeof cause?.message === 'string' ? cause.message : err.message;
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
      throw new CliError(
        `no admin token: set PORTICO_ADMIN_TOKEN or pass --token (none found in ${dataDir}/admin-token)`,
        EXIT.unreachable,
      );
    }
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.send<T>(method, path, {
      contentType: body === undefined ? undefined : 'application/json',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** Sends raw bytes (an archive), with `duplex: 'half'` so a stream body can report upload progress. */
  async upload<T>(
    path: string,
    body: ReadableStream<Uint8Array>,
    contentType: string,
    length: number,
  ): Promise<T> {
    return this.send<T>('POST', path, { contentType, body, length });
  }

  private async send<T>(
    method: string,
    path: string,
    opts: { contentType?: string; body?: string | ReadableStream<Uint8Array>; length?: number },
  ): Promise<T> {
    const url = `${this.config.adminUrl}/admin/v1${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(opts.contentType ? { 'content-type': opts.contentType } : {}),
          ...(opts.length !== undefined ? { 'content-length': String(opts.length) } : {}),
        },
        body: opts.body,
        ...(opts.body instanceof ReadableStream ? { duplex: 'half' } : {}),
      });
    } catch (err) {
      const reason = networkReason(err);
      if (reason === undefined) throw err;
      throw new CliError(
        `cannot reach the admin API at ${this.config.adminUrl} (${reason}); is Portico running? (PORTICO_ADMIN_URL)`,
        EXIT.unreachable,
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (res.status === 401)
      throw new CliError(
        `the admin API at ${this.config.adminUrl} refused the token (401); check PORTICO_ADMIN_TOKEN`,
        EXIT.unreachable,
      );
    if (!res.ok) throw new AdminApiError(res.status, parsed);
    return parsed as T;
  }
}
