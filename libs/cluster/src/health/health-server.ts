import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendMetrics } from '@portico/metrics';
import { HEALTHY, type ReadinessBody } from './health.constants';
import type { ReadinessService } from './readiness.service';

/** A running health server. */
export interface HealthServer {
  /** The port it listens on (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * `GET /healthz` and `GET /readyz` on their own small `node:http` server, for processes without an HTTP
 * app (the worker, on `WORKER_HEALTH_PORT`). Answers exactly like `HealthModule`; with `metrics: true`
 * also `GET /metrics` (the process's Prometheus registry); anything else is 404.
 */
export async function startHealthServer(options: {
  port: number;
  host: string;
  readiness: ReadinessService;
  metrics?: boolean;
}): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return send(405, { status: 'method not allowed' });
    if (path === '/healthz') return send(200, HEALTHY);
    if (path === '/metrics' && options.metrics === true) return sendMetrics(response);
    if (path !== '/readyz') return send(404, { status: 'not found' });
    void options.readiness.report().then(
      ({ ready, failing }) => {
        const body: ReadinessBody = ready ? HEALTHY : { status: 'unavailable', failing };
        send(ready ? 200 : 503, body);
      },
      () => send(503, { status: 'unavailable', failing: [] }),
    );
  });
  // Probes must not keep a draining process alive.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
