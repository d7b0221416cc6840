import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { EndpointPipeline } from './endpoint-pipeline.service';

/**
 * Registers the gateway's single catch-all route straight on the Fastify instance. Tenant routes are
 * never Fastify routes: they live in per-app tables (RouterCache).
 *
 * Why not a Nest `@All('*')` controller: apps/gateway/bench/catch-all.bench.ts measured the raw route
 * at equal or lower server CPU per request than the controller in every interleaved run (within the
 * noise of a shared 2-core machine), the hot path needs nothing a controller adds, and a raw route can
 * carry its own error handler, so even Fastify's own errors (a malformed Content-Type) get Atlas bodies.
 *
 * Fastify is told to parse no body: any content type is accepted and the pipeline reads the raw bytes
 * itself, once it knows the app's size limit.
 */
@Injectable()
export class CatchAllRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly pipeline: EndpointPipeline,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
    fastify.all('/*', {
      handler: (request, reply) => {
        void this.pipeline.handle(request, reply);
      },
      errorHandler: (error, request, reply) => this.pipeline.handleFrameworkError(error, request, reply),
    });
  }
}
