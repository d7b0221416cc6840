import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import type { InvocationJob, InvocationResult } from '@portico/contracts';
import type { InvocationLogger } from '../redis-connections';

/** The shared Redis of this machine. */
export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

/** A prefix no other test or installation uses. */
export const uniquePrefix = (): string => `portico-test-${randomBytes(6).toString('hex')}`;

/** Deletes every key under `prefix` (SCAN + DEL). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/** Counts the keys under `prefix`. */
export async function countKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      count += keys.length;
      cursor = next;
    } while (cursor !== '0');
    return count;
  } finally {
    await redis.quit();
  }
}

/** A logger that keeps its lines for assertions instead of printing them. */
export function memoryLogger(): InvocationLogger & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  return {
    lines,
    info: (_obj, msg) => lines.push({ level: 'info', msg }),
    warn: (_obj, msg) => lines.push({ level: 'warn', msg }),
    error: (_obj, msg) => lines.push({ level: 'error', msg }),
  };
}

let seq = 0;
/** A valid invocation job; `deadlineInMs` from now (default 5 s). */
export function makeJob(overrides: Partial<InvocationJob> = {}, deadlineInMs = 5_000): InvocationJob {
  seq += 1;
  return {
    requestId: `req-${process.pid}-${seq}-${randomBytes(4).toString('hex')}`,
    appId: 'app-abcde',
    version: 1,
    functionName: 'echo',
    deadline: Date.now() + deadlineInMs,
    request: {
      method: 'POST',
      route: '/echo',
      headers: { 'Content-Type': ['application/octet-stream'], 'X-Multi': ['a', 'b'] },
      query: { q: '1' },
      rawQueryString: 'q=1',
      remoteIPAddress: '127.0.0.1',
      body: new Uint8Array([0, 1, 2, 250, 255, 10]),
    },
    endpoint: { route: '/echo', httpMethod: 'POST', respondResult: true },
    responseFormat: 'JSON',
    user: { id: 'u1', type: 'server', data: {}, custom_data: {}, identities: [] },
    runAsSystem: true,
    ...overrides,
  };
}

/** A result that echoes the request: its body bytes, and its headers as a JSON header. */
export function echoResult(job: InvocationJob, worker = 'local'): InvocationResult {
  return {
    requestId: job.requestId,
    response: {
      status: 200,
      headers: { 'X-Worker': [worker], 'X-Request-Headers': [JSON.stringify(job.request.headers)] },
      body: job.request.body,
    },
    logs: [`log: ${job.functionName}`],
    durationMs: 1,
    cold: false,
  };
}

/** {@link echoResult} as an `invoke` answer. */
export const echoAsync = (job: InvocationJob, worker?: string): Promise<InvocationResult> =>
  Promise.resolve(echoResult(job, worker));

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it is true or `timeoutMs` passes. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A private, non-persistent redis-server that a test can stop and start again on the same port. */
export class PrivateRedis {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--enable-debug-command',
        'local',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    const until = Date.now() + 5_000;
    for (;;) {
      const probe = new Redis(this.url, { lazyConnect: true, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        if (Date.now() > until) {
          await this.stop();
          throw new Error(`redis-server did not start on port ${this.port}`);
        }
      } finally {
        probe.disconnect();
      }
      await sleep(20);
    }
  }

  /** SIGKILLs the server and waits for it to be gone. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
