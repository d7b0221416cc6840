import { Writable } from 'node:stream';
import { Body, Controller, Module, Param, Put } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoLogger } from 'nestjs-pino';
import { HttpLoggingModule } from './http-logging.module';
import { FASTIFY_REQUEST_ID_OPTIONS } from './request-id';
import { createLogger } from './logger';
import { LoggingModule } from './logging.module';

const chunks: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    chunks.push(chunk.toString('utf8'));
    done();
  },
});
const lines = () =>
  chunks
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);

@Controller('admin/v1/apps/:appId/secrets')
class SecretsLikeController {
  constructor(private readonly logger: PinoLogger) {}

  @Put(':name')
  put(@Param('name') name: string, @Body() _body: unknown): { name: string } {
    this.logger.info({ name }, 'secret stored');
    return { name };
  }
}

describe('HttpLoggingModule (real HTTP on Fastify, nestjs-pino)', () => {
  let app: NestFastifyApplication;
  let base: string;
  beforeAll(async () => {
    const logger = createLogger('info', { service: 'registry' }, { destination: sink });
    @Module({
      imports: [
        LoggingModule.forRoot(logger),
        HttpLoggingModule.forRoot({ appIdOf: (url) => /^\/admin\/v1\/apps\/([^/?]+)/.exec(url)?.[1] }),
      ],
      controllers: [SecretsLikeController],
    })
    class Root {}
    app = await NestFactory.create<NestFastifyApplication>(
      Root,
      new FastifyAdapter(FASTIFY_REQUEST_ID_OPTIONS),
      {
        logger: false,
      },
    );
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await app?.close();
  });

  const put = (headers: Record<string, string>) =>
    fetch(`${base}/admin/v1/apps/shop-abcde/secrets/stripe`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ value: 'sk_live_body_secret' }),
    });

  it('logs one access line with requestId and appId, and never the credentials sent', async () => {
    chunks.length = 0;
    const res = await put({
      authorization: 'Bearer admin-token-0123456789',
      apikey: 'apikey-0123456789',
      'api-key': 'api-key-0123456789',
      password: 'password-0123456789',
      jwttokenstring: 'jwt-0123456789',
      'x-request-id': 'client-trace-42',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('client-trace-42');

    const text = chunks.join('');
    for (const secret of [
      'admin-token-0123456789',
      'apikey-0123456789',
      'api-key-0123456789',
      'password-0123456789',
      'jwt-0123456789',
      'sk_live_body_secret',
    ])
      expect(text).not.toContain(secret);
    const logged = lines();
    const inRequest = logged.find((l) => l.msg === 'secret stored');
    expect(inRequest).toMatchObject({ requestId: 'client-trace-42', name: 'stripe', service: 'registry' });
    const access = logged.filter((l) => l.msg === 'request completed');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      requestId: 'client-trace-42',
      appId: 'shop-abcde',
      level: 'info',
      req: { method: 'PUT', url: '/admin/v1/apps/shop-abcde/secrets/stripe' },
      res: { statusCode: 200 },
    });
    expect(access[0].req.headers.authorization).toBe('[redacted]');
    expect(typeof access[0].ms).toBe('number');
  });

  it('makes up a request id when the client sends none or an unusable one', async () => {
    chunks.length = 0;
    const res = await put({ 'x-request-id': 'not a sane id' });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines().find((l) => l.msg === 'request completed')?.requestId).toBe(id);
  });
});
