import type { ServerResponse } from 'node:http';
import { scrapeMetrics } from './metrics-registry';

/** Answers a `node:http` request with the process's metrics (the worker's health server). */
export function sendMetrics(response: ServerResponse): void {
  scrapeMetrics().then(
    ({ contentType, body }) => {
      response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      response.end(body);
    },
    () => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('metrics collection failed\n');
    },
  );
}
