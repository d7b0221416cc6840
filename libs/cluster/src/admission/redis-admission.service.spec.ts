import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ErrorCode, type Admission, type AdmissionLimits, type Rejection } from '@portico/contracts';
import { PrivateRedis } from '../testing/redis.fixtures';
import { RedisAdmissionController } from './redis-admission.service';

const limits = (over: Partial<AdmissionLimits>): AdmissionLimits => ({ timeout_ms: 10_000, ...over });
const admitted = (answers: (Admission | Rejection)[]): Admission[] =>
  answers.filter((a): a is Admission => a.admitted);

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}

describe('RedisAdmissionController (real Redis, two adapters sharing a prefix)', () => {
  let prefix: string;
  let redisA: Redis;
  let redisB: Redis;
  let a: RedisAdmissionController;
  let b: RedisAdmissionController;

  beforeEach(async () => {
    prefix = `portico-test-${randomBytes(6).toString('hex')}`;
    redisA = new Redis({ host: '127.0.0.1', port: 6379, enableOfflineQueue: false });
    redisB = new Redis({ host: '127.0.0.1', port: 6379, enableOfflineQueue: false });
    await Promise.all([waitReady(redisA), waitReady(redisB)]);
    a = new RedisAdmissionController(redisA, { prefix });
    b = new RedisAdmissionController(redisB, { prefix });
  });

  afterEach(async () => {
    await deleteKeys(redisA, prefix);
    redisA.disconnect();
    redisB.disconnect();
  });

  /** Alternates between the two gateways' adapters, all requests in flight at once. */
  const admitMany = (n: number, appId: string, l: AdmissionLimits) =>
    Promise.all(Array.from({ length: n }, (_, i) => (i % 2 ? b : a).admit(appId, l)));

  it('admits exactly rate_per_sec across both gateways, answering the rest with Retry-After', async () => {
    const answers = await admitMany(12, 'shop', limits({ rate_per_sec: 5 }));
    expect(admitted(answers)).toHaveLength(5);
    for (const r of answers.filter((x) => !x.admitted))
      expect(r).toEqual({ admitted: false, limit: 'rate_per_sec', retryAfterSeconds: 1 });
    // Another app has its own budget.
    expect(admitted(await admitMany(3, 'other', limits({ rate_per_sec: 5 })))).toHaveLength(3);
  });

  it('refills the rate at 1/rate s per request', async () => {
    const l = limits({ rate_per_sec: 10 });
    expect(admitted(await admitMany(12, 'shop', l))).toHaveLength(10);
    await sleep(250);
    const later = admitted(await admitMany(6, 'shop', l)).length;
    expect(later).toBeGreaterThanOrEqual(2);
    expect(later).toBeLessThanOrEqual(3);
  });

  it('admits at most max_concurrent in flight across both gateways; a release frees a slot for either', async () => {
    const l = limits({ max_concurrent: 3 });
    const answers = await admitMany(8, 'shop', l);
    const inside = admitted(answers);
    expect(inside).toHaveLength(3);
    for (const r of answers.filter((x) => !x.admitted))
      expect(r).toEqual({ admitted: false, limit: 'max_concurrent', retryAfterSeconds: 1 });
    inside[0].release();
    inside[0].release();
    await sleep(20);
    expect(await redisA.zcard(`${prefix}:admission:shop:inflight`)).toBe(2);
    expect(admitted(await Promise.all([b.admit('shop', l), a.admit('shop', l)]))).toHaveLength(1);
  });

  it('does not spend a rate token on a request the concurrency limit refused', async () => {
    const l = limits({ max_concurrent: 1, rate_per_sec: 2 });
    const first = (await a.admit('shop', l)) as Admission;
    expect(await b.admit('shop', l)).toMatchObject({ admitted: false, limit: 'max_concurrent' });
    first.release();
    await sleep(20);
    expect((await b.admit('shop', l)).admitted).toBe(true);
  });

  it('stops counting an unreleased request once its timeout plus grace has passed', async () => {
    const crashed = new RedisAdmissionController(redisA, { prefix, leaseGraceMs: 50 });
    const l = limits({ max_concurrent: 1, timeout_ms: 100 });
    expect((await crashed.admit('shop', l)).admitted).toBe(true);
    expect((await b.admit('shop', l)).admitted).toBe(false);
    await sleep(200);
    expect((await b.admit('shop', l)).admitted).toBe(true);
  });

  it('leaves only keys under its prefix, each with an expiry', async () => {
    const [one] = admitted(await admitMany(1, 'shop', limits({ rate_per_sec: 3, max_concurrent: 2 })));
    const keys = (await redisA.keys(`${prefix}*`)).sort();
    expect(keys).toEqual([`${prefix}:admission:shop:inflight`, `${prefix}:admission:shop:rate`]);
    for (const key of keys) expect(await redisA.pttl(key)).toBeGreaterThan(0);
    one.release();
  });

  it('reloads its script after SCRIPT FLUSH-like loss (NOSCRIPT)', async () => {
    const l = limits({ max_concurrent: 5 });
    expect((await a.admit('shop', l)).admitted).toBe(true);
    const fresh = await startPrivateRedis();
    try {
      const other = new RedisAdmissionController(fresh.client, { prefix });
      expect((await other.admit('shop', l)).admitted).toBe(true);
    } finally {
      await fresh.stop();
    }
  });
});

describe('RedisAdmissionController when Redis is slow or gone (private redis-server)', () => {
  let server: PrivateServer & { redis: PrivateRedis };
  beforeAll(async () => {
    server = await startPrivateRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('fails closed with 503 ServiceUnavailable within the timeout, then gives the late slot back', async () => {
    const admission = new RedisAdmissionController(server.client, { prefix: 'slow', timeoutMs: 300 });
    const l = limits({ max_concurrent: 5 });
    const blocker = new Redis({ port: server.port, host: '127.0.0.1' });
    await waitReady(blocker);
    try {
      const sleeping = blocker.call('DEBUG', 'SLEEP', '0.8');
      await sleep(50);
      const started = Date.now();
      await expect(admission.admit('shop', l)).rejects.toMatchObject({
        code: ErrorCode.ServiceUnavailable,
        status: 503,
      });
      expect(Date.now() - started).toBeLessThan(600);
      await sleeping;
      await sleep(50);
      expect(await server.client.zcard('slow:admission:shop:inflight')).toBe(0);
    } finally {
      blocker.disconnect();
    }
  });

  it('refuses at once while disconnected and admits again when Redis is back', async () => {
    const client = new Redis({
      port: server.port,
      host: '127.0.0.1',
      enableOfflineQueue: false,
      retryStrategy: () => 50,
    });
    client.on('error', () => undefined);
    await waitReady(client);
    const admission = new RedisAdmissionController(client, { prefix: 'gone' });
    const l = limits({ max_concurrent: 5 });
    try {
      expect((await admission.admit('shop', l)).admitted).toBe(true);
      await server.stop();
      await sleep(100);
      const started = Date.now();
      await expect(admission.admit('shop', l)).rejects.toMatchObject({ code: ErrorCode.ServiceUnavailable });
      expect(Date.now() - started).toBeLessThan(100);
      server = await startPrivateRedis(server);
      await waitReady(client);
      expect((await admission.admit('shop', l)).admitted).toBe(true);
    } finally {
      client.disconnect();
    }
  });
});

/** A private redis-server (shared fixture) plus a client of it, so slowing or stopping it touches no other test. */
interface PrivateServer {
  port: number;
  client: Redis;
  stop(): Promise<void>;
}

/** Starts a private server, or restarts `previous` on its own port. */
async function startPrivateRedis(
  previous?: PrivateServer & { redis: PrivateRedis },
): Promise<PrivateServer & { redis: PrivateRedis }> {
  let redis: PrivateRedis;
  if (previous) {
    redis = previous.redis;
    await redis.start();
  } else {
    redis = await PrivateRedis.start();
  }
  const client = new Redis({ port: redis.port, host: '127.0.0.1', retryStrategy: () => 50 });
  client.on('error', () => undefined);
  await waitReady(client);
  return {
    port: redis.port,
    client,
    redis,
    stop: async () => {
      client.disconnect();
      await redis.stop();
    },
  };
}

async function waitReady(client: Redis): Promise<void> {
  const deadline = Date.now() + 5000;
  while (client.status !== 'ready') {
    if (Date.now() > deadline) throw new Error(`redis not ready: ${client.status}`);
    await sleep(20);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
