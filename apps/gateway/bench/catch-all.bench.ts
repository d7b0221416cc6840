/**
 * Measures the gateway's catch-all route two ways, with a stub transport (no sandbox), so the numbers
 * are the gateway's own cost: (a) a route registered straight on Fastify (what GatewayModule does),
 * (b) a Nest `@All('*')` controller calling the same pipeline. Plain `node:http` and a bare Fastify
 * hello route are the yardsticks.
 *
 *   node -r @swc-node/register apps/gateway/bench/catch-all.bench.ts [seconds] [connections]
 *
 * autocannon runs in a child process so that it does not share the server's event loop.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { All, Controller, Injectable, Module, Req, Res, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import pino from 'pino';
import { ConfigModule, loadConfig } from '@portico/config';
import { InProcessAdmissionController } from '@portico/cluster';
import {
  ADMISSION_CONTROLLER,
  INVOCATION_TRANSPORT,
  REGISTRY_CLIENT,
  type InvocationJob,
  type InvocationResult,
} from '@portico/contracts';
import { createAtlasCodecRegistry } from '@portico/formats';
import { LoggingModule } from '@portico/logging';
import { GatewayMetrics } from '@portico/metrics';
import { ClientApiService } from '../src/client-api/client-api.service';
import { EndpointPipeline } from '../src/endpoint-pipeline.service';
import { ATLAS_CODECS } from '../src/gateway.constants';
import { createGatewayApp, GatewayModule } from '../src/gateway.module';
import { RouterCache } from '../src/routing/router-cache.service';
import {
  buildEndpoint,
  buildSnapshot,
  FakeRegistryClient,
  SYSTEM_FN,
} from '../src/testing/fake-registry-client';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 50);
const APP = 'bench-abcde';
const PATH = `/app/${APP}/endpoint/hello`;
const HELLO = Buffer.from('"Hello, World!"');

const registry = new FakeRegistryClient([
  buildSnapshot({
    appId: APP,
    functions: { hello: SYSTEM_FN },
    endpoints: [buildEndpoint('/hello', 'hello')],
  }),
]);
const registryProvider = { provide: REGISTRY_CLIENT, useValue: registry };
const transportProvider = {
  provide: INVOCATION_TRANSPORT,
  useValue: {
    invoke: (job: InvocationJob): Promise<InvocationResult> =>
      Promise.resolve({
        requestId: job.requestId,
        response: { status: 200, headers: {}, body: HELLO },
        logs: [],
        durationMs: 0,
        cold: false,
      }),
  },
};
const config = loadConfig({ PORTICO_DATA_DIR: '/nonexistent' });
const shared = [ConfigModule.forRoot(config), LoggingModule.forRoot(pino({ level: 'silent' }))];

@Controller()
class NestCatchAll {
  constructor(private readonly pipeline: EndpointPipeline) {}

  @All('*')
  handle(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.pipeline.handle(request, reply);
  }
}

@Injectable()
class RawBodyParsing implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}
  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', (_r, _p, done) => done(null));
  }
}

@Module({
  imports: shared,
  controllers: [NestCatchAll],
  providers: [
    registryProvider,
    transportProvider,
    { provide: ADMISSION_CONTROLLER, useFactory: () => new InProcessAdmissionController() },
    { provide: GatewayMetrics, useFactory: () => GatewayMetrics.on() },
    { provide: ATLAS_CODECS, useFactory: createAtlasCodecRegistry },
    RouterCache,
    ClientApiService,
    EndpointPipeline,
    RawBodyParsing,
  ],
})
class NestControllerRoot {}

@Module({
  imports: [
    ...shared,
    GatewayModule.forRoot({ registryClient: registryProvider, transport: transportProvider }),
  ],
})
class FastifyRouteRoot {}

/**
 * Throughput on a shared 2-core machine is noisy, so each run also reports the server's CPU time per
 * request (this process runs only the servers while autocannon works), which contention hardly moves.
 */
async function autocannon(
  url: string,
): Promise<{ rps: number; cpuUsPerReq: number; p50: number; p99: number; non2xx: number }> {
  const bin = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'autocannon');
  const cpu = process.cpuUsage();
  const { stdout } = await promisify(execFile)(
    bin,
    ['-j', '-c', String(connections), '-d', String(seconds), url],
    { encoding: 'utf8' },
  );
  const used = process.cpuUsage(cpu);
  const r = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
  };
  const cpuUsPerReq = Math.round(((used.user + used.system) / Math.max(1, r.requests.total)) * 10) / 10;
  return {
    rps: Math.round(r.requests.average),
    cpuUsPerReq,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
  };
}

async function listenNest(root: new () => unknown): Promise<{ url: string; close: () => Promise<void> }> {
  const app = await createGatewayApp(root, config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}${PATH}`, close: () => app.close() };
}

async function listenBareFastify(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = Fastify({ logger: false });
  app.get('/*', (_req, reply) => reply.send(HELLO));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, close: () => app.close() };
}

async function listenNodeHttp(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => res.end(HELLO));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[4] ?? 3);
  console.log(
    `autocannon -c ${connections} -d ${seconds} x ${rounds} rounds (interleaved), GET ${PATH}, stub transport`,
  );
  const targets = [
    { name: 'node:http hello', ...(await listenNodeHttp()) },
    { name: 'bare fastify hello', ...(await listenBareFastify()) },
    { name: 'fastify catch-all route', ...(await listenNest(FastifyRouteRoot)) },
    { name: 'nest @All(*) controller', ...(await listenNest(NestControllerRoot)) },
  ];
  for (const t of targets) await autocannon(t.url); // warm-up
  const results = new Map<string, { rps: number[]; cpu: number[] }>(
    targets.map((t) => [t.name, { rps: [], cpu: [] }]),
  );
  for (let round = 0; round < rounds; round++) {
    for (const t of targets) {
      const r = await autocannon(t.url);
      results.get(t.name)?.rps.push(r.rps);
      results.get(t.name)?.cpu.push(r.cpuUsPerReq);
      console.log(`round ${round + 1}`, t.name, r);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const [name, r] of results)
    console.log(`${name}: median ${median(r.rps)} req/s, ${median(r.cpu)} µs CPU/request`);
  for (const t of targets) await t.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
