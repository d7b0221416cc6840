import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ServiceProcess, entry } from './service-process';

export const CLI_ENTRY = entry('cli');

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

/** Reads a fetch response whole: status, headers, text, and the JSON when it is JSON. */
export async function answer(res: Response): Promise<HttpAnswer> {
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/**
 * What every test platform offers: the admin API with a bearer token, data-plane calls and log polling.
 * Subclasses say how the processes start and stop.
 */
export abstract class PlatformUnderTest {
  gatewayUrl = '';
  adminUrl = '';
  readonly token = randomBytes(24).toString('hex');

  /** Calls the admin API with the bearer token (override with `token: null` or another string). */
  async admin(
    method: string,
    path: string,
    body?: unknown,
    opts: { token?: string | null; rawBody?: string } = {},
  ): Promise<HttpAnswer> {
    const token = opts.token === undefined ? this.token : opts.token;
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const payload = opts.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined) headers['content-type'] = 'application/json';
    return answer(await fetch(`${this.adminUrl}/admin/v1${path}`, { method, headers, body: payload }));
  }

  /** Calls a data-plane endpoint of an app: `/app/<appId>/endpoint<route>`. */
  async call(appId: string, routeAndQuery: string, init: RequestInit = {}): Promise<HttpAnswer> {
    return answer(await fetch(`${this.gatewayUrl}/app/${appId}/endpoint${routeAndQuery}`, init));
  }

  /** Creates an app and returns its id. */
  async createApp(name: string): Promise<string> {
    const res = await this.admin('POST', '/apps', { name });
    if (res.status !== 201) throw new Error(`create app failed: ${res.status} ${res.text}`);
    return res.json.id as string;
  }

  /** Deploys one function and the endpoints given (replacing the app's endpoint list). */
  async putFunction(appId: string, name: string, spec: Record<string, unknown>): Promise<void> {
    const res = await this.admin('PUT', `/apps/${appId}/functions/${encodeURIComponent(name)}`, spec);
    if (res.status >= 300) throw new Error(`put function failed: ${res.status} ${res.text}`);
  }

  async putEndpoints(appId: string, endpoints: Record<string, unknown>[]): Promise<void> {
    const res = await this.admin('PUT', `/apps/${appId}/endpoints`, endpoints);
    if (res.status >= 300) throw new Error(`put endpoints failed: ${res.status} ${res.text}`);
  }

  /** Polls the invocation log until `predicate` holds (the log is written just after the answer). */
  async waitForLogs(appId: string, predicate: (logs: any[]) => boolean, timeoutMs = 5000): Promise<any[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.admin('GET', `/apps/${appId}/logs?limit=100`);
      const logs = (res.json?.logs ?? []) as any[];
      if (predicate(logs)) return logs;
      if (Date.now() > until) throw new Error(`logs never matched: ${res.text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A real standalone Portico process (`portico dev`) on ephemeral ports with its own data dir. */
export class StandalonePlatform extends PlatformUnderTest {
  readonly dataDir: string;
  private readonly process: ServiceProcess;
  private readonly ownsDataDir: boolean;

  constructor(env: Record<string, string> = {}, dataDir?: string) {
    super();
    this.ownsDataDir = !dataDir;
    this.dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'portico-e2e-'));
    this.process = new ServiceProcess(
      CLI_ENTRY,
      ['dev'],
      {
        HOST: '127.0.0.1',
        PORT: '0',
        ADMIN_PORT: '0',
        PORTICO_DATA_DIR: this.dataDir,
        PORTICO_ADMIN_TOKEN: this.token,
        PORTICO_SANDBOX_PROCESSES: '3',
        LOG_LEVEL: 'info',
        ...env,
      },
      ['registry', 'gateway'],
    );
  }

  /** Everything the process printed so far (stdout + stderr). */
  get logs(): string {
    return this.process.output;
  }

  async start(timeoutMs = 20_000): Promise<this> {
    await this.process.start(timeoutMs);
    this.adminUrl = this.process.urls.registry;
    this.gatewayUrl = this.process.urls.gateway;
    return this;
  }

  async stop(): Promise<number | null> {
    const code = await this.process.stop();
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
    return code;
  }
}

/**
 * An HTTP request with raw, repeated headers: `fetch` folds repeated names into one comma-joined
 * value, which would hide how the gateway treats each occurrence.
 */
export function rawRequest(
  url: string,
  method: string,
  rawHeaders: string[],
  body?: string,
): Promise<HttpAnswer> {
  // Imported lazily: only the few tests that need raw headers pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const http = require('node:http') as typeof import('node:http');
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    // With raw headers Node adds neither Host nor Content-Length: HTTP/1.1 needs both.
    const headers = [
      ...rawHeaders,
      'Host',
      new URL(url).host,
      ...(payload ? ['Content-Length', String(payload.length)] : []),
    ];
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
