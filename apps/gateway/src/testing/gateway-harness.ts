import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { ConfigModule, loadConfig } from '@portico/config';
import {
  INVOCATION_TRANSPORT,
  REGISTRY_CLIENT,
  type InvocationTransport,
  type RegistryClient,
} from '@portico/contracts';
import { LoggingModule } from '@portico/logging';
import { createGatewayApp, GatewayModule } from '../gateway.module';

export const PUBLIC_ADMIN_URL = 'http://admin.portico.test';

/** A gateway app listening on 127.0.0.1:<ephemeral> with the given ports, and the log lines it wrote. */
export interface RunningGateway {
  app: NestFastifyApplication;
  url: string;
  /** Parsed JSON log lines (level ≥ info). */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startGateway(
  registry: RegistryClient,
  transport: InvocationTransport,
): Promise<RunningGateway> {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n'))
        if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const config = loadConfig({ PORTICO_PUBLIC_ADMIN_URL: PUBLIC_ADMIN_URL, PORTICO_DATA_DIR: '/nonexistent' });

  @Module({
    imports: [
      ConfigModule.forRoot(config),
      LoggingModule.forRoot(logger),
      GatewayModule.forRoot({
        registryClient: { provide: REGISTRY_CLIENT, useValue: registry },
        transport: { provide: INVOCATION_TRANSPORT, useValue: transport },
      }),
    ],
  })
  class TestRoot {}

  const app = await createGatewayApp(TestRoot, config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}`, logs, close: () => app.close() };
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  /** The body parsed as JSON (undefined when it is not JSON); loosely typed for terse assertions. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface RawRequest {
  method?: string;
  /** Header lines in order, repeated names allowed (sent exactly as given). */
  headers?: [string, string][];
  body?: string | Buffer;
}

/** One HTTP/1.1 request with full control over header lines (fetch would merge repeated headers). */
export function send(base: string, path: string, init: RawRequest = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const lines = init.headers ?? [];
    // With header lines given as an array Node adds no Host header itself; HTTP/1.1 requires one.
    // Nor does it frame a body itself (a GET body would be sent unframed): declare its length.
    const has = (name: string): boolean => lines.some(([n]) => n.toLowerCase() === name);
    const implied: [string, string][] = [];
    if (!has('host')) implied.push(['Host', new URL(base).host]);
    if (init.body !== undefined && !has('content-length') && !has('transfer-encoding')) {
      implied.push(['Content-Length', String(Buffer.byteLength(init.body))]);
    }
    const flat = [...implied, ...lines].flat();
    const req = httpRequest(
      `${base}${path}`,
      { method: init.method ?? 'GET', headers: flat, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          let json: unknown;
          try {
            json = body.length > 0 ? JSON.parse(body.toString()) : undefined;
          } catch {
            json = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body,
            json,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
