import { randomBytes } from 'node:crypto';
import { Module, type Provider } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import pino from 'pino';
import { RedisAdmissionController } from '@portico/cluster';
import { ConfigModule, loadConfig } from '@portico/config';
import {
  ADMISSION_CONTROLLER,
  DEFAULT_LIMITS,
  INVOCATION_TRANSPORT,
  REGISTRY_CLIENT,
  type InvocationJob,
  type InvocationResult,
} from '@portico/contracts';
import { LoggingModule } from '@portico/logging';
import { createGatewayApp, GatewayModule } from './gateway.module';
import { buildEndpoint, buildSnapshot, FakeRegistryClient, SYSTEM_FN } from './testing/fake-registry-client';
import { PUBLIC_ADMIN_URL, send } from './testing/gateway-harness';
import { okResult, RecordingTransport } from './testing/recording-transport';

const RATED = 'rated-abcde';
const NARROW = 'narrow-abcde';
const snapshots = [
  buildSnapshot({
    appId: RATED,
    limits: { ...DEFAULT_LIMITS, rate_per_sec: 3 },
    functions: { ok: SYSTEM_FN },
    endpoints: [buildEndpoint('/hello', 'ok')],
  }),
  buildSnapshot({
    appId: NARROW,
    limits: { ...DEFAULT_LIMITS, max_concurrent: 2 },
    functions: { ok: SYSTEM_FN },
    endpoints: [buildEndpoint('/hello', 'ok')],
  }),
];

/** A transport whose answers wait until the test lets them go. */
class HeldTransport extends RecordingTransport {
  private waiting: (() => void)[] = [];
  constructor() {
    super();
    this.respond = (job: InvocationJob) =>
      new Promise<InvocationResult>((resolve) => this.waiting.push(() => resolve(okResult(job))));
  }
  get held(): number {
    return this.waiting.length;
  }
  releaseAll(): void {
    for (const go of this.waiting.splice(0)) go();
  }
}

async function startGateway(transport: RecordingTransport, admission?: Provider) {
  const config = loadConfig({ PORTICO_PUBLIC_ADMIN_URL: PUBLIC_ADMIN_URL, PORTICO_DATA_DIR: '/nonexistent' });
  @Module({
    imports: [
      ConfigModule.forRoot(config),
      LoggingModule.forRoot(pino({ level: 'silent' })),
      GatewayModule.forRoot({
        registryClient: { provide: REGISTRY_CLIENT, useValue: new FakeRegistryClient(snapshots) },
        transport: { provide: INVOCATION_TRANSPORT, useValue: transport },
        admission,
      }),
    ],
  })
  class TestRoot {}
  const app: NestFastifyApplication = await createGatewayApp(TestRoot, config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}` };
}

const until = async (condition: () => boolean): Promise<void> => {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** The behaviour every admission adapter gives the gateway. */
function admissionBehaviour(admission: () => Provider | undefined) {
  let transport: HeldTransport;
  let gw: { app: NestFastifyApplication; url: string };
  beforeEach(async () => {
    transport = new HeldTransport();
    gw = await startGateway(transport, admission());
  });
  afterEach(async () => {
    transport.releaseAll();
    await gw.app.close();
  });

  it('answers 429 TooManyRequests with Retry-After and the Atlas body over limits.rate_per_sec', async () => {
    transport.releaseAll();
    transport.respond = okResult;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => send(gw.url, `/app/${RATED}/endpoint/hello`)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 429, 429]);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json).toEqual({
      error: 'too many requests: the app is over its request rate limit',
      error_code: 'TooManyRequests',
      link: `${PUBLIC_ADMIN_URL}/admin/v1/apps/${RATED}/logs?request_id=${String(refused.headers['x-request-id'])}`,
    });
    expect(transport.jobs).toHaveLength(3);
  });

  it('answers 429 over limits.max_concurrent and admits again once a request finished', async () => {
    const first = [
      send(gw.url, `/app/${NARROW}/endpoint/hello`),
      send(gw.url, `/app/${NARROW}/endpoint/hello`),
    ];
    await until(() => transport.held === 2);
    const refused = await send(gw.url, `/app/${NARROW}/endpoint/hello`);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json).toMatchObject({
      error: 'too many requests: the app has too many requests in progress',
      error_code: 'TooManyRequests',
    });
    // Another app is not affected.
    const other = send(gw.url, `/app/${RATED}/endpoint/hello`);
    await until(() => transport.held === 3);
    transport.releaseAll();
    expect((await Promise.all([...first, other])).map((a) => a.status)).toEqual([200, 200, 200]);
    // Slots come back when requests end, also when the invocation failed.
    transport.respond = () => Promise.reject(new Error('transport broke'));
    expect((await send(gw.url, `/app/${NARROW}/endpoint/hello`)).status).toBe(500);
    transport.respond = okResult;
    const again = await Promise.all([
      send(gw.url, `/app/${NARROW}/endpoint/hello`),
      send(gw.url, `/app/${NARROW}/endpoint/hello`),
    ]);
    expect(again.map((a) => a.status)).toEqual([200, 200]);
  });
}

describe('gateway admission, default in-process adapter (real HTTP)', () => {
  admissionBehaviour(() => undefined);

  it('answers /healthz and /readyz through the shared health module, with an X-Request-Id', async () => {
    const gw = await startGateway(new RecordingTransport());
    try {
      for (const path of ['/healthz', '/readyz']) {
        const res = await send(gw.url, path);
        expect([res.status, res.json]).toEqual([200, { status: 'ok' }]);
        expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      }
    } finally {
      await gw.app.close();
    }
  });
});

describe('gateway admission, Redis adapter (real HTTP, real Redis)', () => {
  const prefix = `portico-test-${randomBytes(6).toString('hex')}`;
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis({ host: '127.0.0.1', port: 6379, enableOfflineQueue: false });
    await until(() => redis.status === 'ready');
  });
  afterEach(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  });
  afterAll(() => redis.disconnect());

  admissionBehaviour(() => ({
    provide: ADMISSION_CONTROLLER,
    useFactory: () => new RedisAdmissionController(redis, { prefix }),
  }));

  it('answers 503 ServiceUnavailable at once when Redis is not connected', async () => {
    const offline = new Redis({
      host: '127.0.0.1',
      port: 6379,
      lazyConnect: true,
      enableOfflineQueue: false,
    });
    const gw = await startGateway(new RecordingTransport(), {
      provide: ADMISSION_CONTROLLER,
      useValue: new RedisAdmissionController(offline, { prefix }),
    });
    try {
      const res = await send(gw.url, `/app/${RATED}/endpoint/hello`);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json).toMatchObject({ error_code: 'ServiceUnavailable' });
    } finally {
      await gw.app.close();
      offline.disconnect();
    }
  });
});
