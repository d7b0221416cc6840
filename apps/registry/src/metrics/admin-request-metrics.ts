import type { FastifyInstance } from 'fastify';
import { RegistryMetrics } from '@portico/metrics';

/** Counts every answer of the registry's HTTP server (admin API, probes, docs) by method and status class. */
export function recordAdminRequests(fastify: FastifyInstance): void {
  const metrics = RegistryMetrics.on();
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.adminRequest(request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
