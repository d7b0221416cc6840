import { Redis, type RedisOptions } from 'ioredis';
import { PING_TIMEOUT_MS, PRODUCER_TIMEOUT_MS, reconnectDelayMs } from './invocation.constants';

/** The logging this lib needs; a pino `Logger` fits. */
export interface InvocationLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The three kinds of Redis connection of the invocation path, each tuned for its job. */
export type ConnectionRole = 'producer' | 'subscriber' | 'worker';

const roleOptions: Record<ConnectionRole, RedisOptions> = {
  // On the request path: never queue a command while Redis is away, never wait long for one.
  // BullMQ allows a bounded maxRetriesPerRequest on Queue (non-blocking) connections.
  producer: {
    enableOfflineQueue: false,
    connectTimeout: PRODUCER_TIMEOUT_MS,
    commandTimeout: PRODUCER_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
  },
  // SUBSCRIBE must survive reconnects (ioredis re-subscribes by itself), so it may wait offline.
  subscriber: { maxRetriesPerRequest: null },
  // BullMQ requires maxRetriesPerRequest null for Worker connections (blocking commands).
  worker: { maxRetriesPerRequest: null },
};

/**
 * Opens a connection that reconnects with capped backoff forever and logs only state changes
 * (lost / back), never one line per failed attempt or per command.
 */
export function openConnection(
  redisUrl: string,
  role: ConnectionRole,
  name: string,
  logger: InvocationLogger,
): Redis {
  const redis = new Redis(redisUrl, {
    ...roleOptions[role],
    connectionName: name,
    retryStrategy: reconnectDelayMs,
  });
  let lost = false;
  redis.on('error', (err: Error) => {
    if (lost) return;
    lost = true;
    logger.warn({ err, connection: name }, 'redis connection lost; reconnecting');
  });
  redis.on('ready', () => {
    if (!lost) return;
    lost = false;
    logger.info({ connection: name }, 'redis connection back');
  });
  return redis;
}

/** True when Redis answers PING on this connection within `PING_TIMEOUT_MS`. */
export async function answersPing(redis: Redis): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([redis.ping().then((pong) => pong === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Closes a connection politely, or at once when Redis is not there to answer QUIT. */
export async function closeConnection(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

/** Resolves when the connection is ready (connected, and re-subscribed for a subscriber). */
export function untilReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => redis.once('ready', () => resolve()));
}
