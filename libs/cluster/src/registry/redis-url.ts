import type { RedisOptions } from 'ioredis';

/** Where and how to connect: the part of ioredis' options a URL carries. */
export type RedisConnectionOptions = Pick<
  RedisOptions,
  'host' | 'port' | 'username' | 'password' | 'db' | 'tls'
>;

/**
 * ioredis connection options from a `redis://` / `rediss://` URL. Nest's Redis transport builds its
 * clients from an options object (never a URL), so both sides of the registry RPC parse it here once.
 */
export function redisOptionsFromUrl(url: string): RedisConnectionOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined;
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
    ...(db !== undefined && Number.isInteger(db) && { db }),
    ...(parsed.protocol === 'rediss:' && { tls: {} }),
  };
}
