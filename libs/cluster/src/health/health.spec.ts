import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { HealthModule } from './health.module';
import { startHealthServer, type HealthServer } from './health-server';
import { ReadinessService, type ReadinessCheck } from './readiness.service';

const passing = (name: string): ReadinessCheck => ({ name, check: () => Promise.resolve('PONG') });
const failing = (name: string): ReadinessCheck => ({ name, check: () => Promise.reject(new Error('down')) });
const hanging = (name: string): ReadinessCheck => ({ name, check: () => new Promise(() => undefined) });

describe('ReadinessService', () => {
  it('is ready with no checks, and names every failing check in registration order', async () => {
    expect(await new ReadinessService().report()).toEqual({ ready: true, failing: [] });
    const readiness = new ReadinessService().withTimeout(100).register(
      failing('redis'),
      passing('store'),
      hanging('registry'),
      {
        name: 'sync-throw',
        check: () => {
          throw new Error('boom');
        },
      },
      { name: 'false', check: () => Promise.resolve(false) },
    );
    const started = Date.now();
    expect(await readiness.report()).toEqual({
      ready: false,
      failing: ['redis', 'registry', 'sync-throw', 'false'],
    });
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('HealthModule (real HTTP on Fastify)', () => {
  let app: NestFastifyApplication;
  let url: string;
  beforeAll(async () => {
    @Module({
      imports: [HealthModule.forRoot({ checks: [passing('redis')], headers: () => ({ 'x-probe': 'yes' }) })],
    })
    class Root {}
    app = await NestFactory.create<NestFastifyApplication>(Root, new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('GET /healthz answers 200 {"status":"ok"} with the extra headers', async () => {
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-probe')).toBe('yes');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 while every check passes, 503 naming the failing ones otherwise', async () => {
    const ok = await fetch(`${url}/readyz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok' });

    app.get(ReadinessService).withTimeout(100).register(hanging('registry'), failing('store'));
    const started = Date.now();
    const bad = await fetch(`${url}/readyz`);
    expect(bad.status).toBe(503);
    expect(bad.headers.get('x-probe')).toBe('yes');
    expect(await bad.json()).toEqual({ status: 'unavailable', failing: ['registry', 'store'] });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('startHealthServer (for the worker)', () => {
  let server: HealthServer;
  const readiness = new ReadinessService();
  beforeAll(async () => {
    server = await startHealthServer({ port: 0, host: '127.0.0.1', readiness });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers /healthz, /readyz (200 then 503 with names) and 404 elsewhere', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    const health = await fetch(`${base}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${base}/readyz?verbose=1`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ok' }]);
    readiness.register(failing('redis'));
    const notReady = await fetch(`${base}/readyz`);
    expect([notReady.status, await notReady.json()]).toEqual([
      503,
      { status: 'unavailable', failing: ['redis'] },
    ]);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses to start on a port in use', async () => {
    await expect(startHealthServer({ port: server.port, host: '127.0.0.1', readiness })).rejects.toThrow(
      /EADDRINUSE/,
    );
  });
});
