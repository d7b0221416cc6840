import { ClientRedis } from '@nestjs/microservices';
import {
  clusterNames,
  ErrorCode,
  PorticoError,
  type ClusterNames,
  type DeploymentChanged,
  type FunctionBundle,
  type RegistryClient,
  type RouteSnapshot,
} from '@portico/contracts';
import type { Logger } from '@portico/logging';
import Redis from 'ioredis';
import { LRUCache } from 'lru-cache';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import {
  DEFAULT_REGISTRY_REQUEST_TIMEOUT_MS,
  DeploymentEventWireSchema,
  REDIS_RECONNECT_DELAY_MS,
  REDIS_RETRY_ATTEMPTS,
  RegistryRpcErrorSchema,
  type BundleRequest,
  type CurrentSnapshotRequest,
} from './registry-rpc.constants';
import { redisOptionsFromUrl } from './redis-url';

/** Options of `RedisRegistryClient`. */
export interface RedisRegistryClientOptions {
  redisUrl: string;
  /** `PORTICO_REDIS_PREFIX`: must match the registry's. */
  prefix: string;
  logger: Logger;
  /** How long one registry request may take; default 2000 ms (`DEFAULT_REGISTRY_REQUEST_TIMEOUT_MS`). */
  requestTimeoutMs?: number;
}

/** Apps whose last snapshot is kept as the fallback while the registry does not answer. */
const MAX_LAST_SNAPSHOTS = 10_000;
/** Bundles carry every source of a version: bounded by count and by size (like the registry's own cache). */
const MAX_BUNDLES = 500;
const MAX_BUNDLE_BYTES = 128 * 1024 * 1024;
/** After a reconnect, apps whose re-check failed (registry away too) are re-checked this often. */
const REFRESH_RETRY_MS = 1000;
/** Readiness answers within this, whatever state Redis is in. */
const READY_PING_TIMEOUT_MS = 1000;

const bundleSize = (bundle: FunctionBundle): number =>
  Object.values(bundle.functions).reduce((sum, fn) => sum + fn.source.length * 2, 1024) +
  // npm dependencies (up to 15 MB of text) weigh on the cache like sources do.
  Object.values(bundle.dependencies?.files ?? {}).reduce((sum, text) => sum + text.length * 2, 0);

/** Nest's ClientRedis logs every failed reconnect attempt as an error; here one line per outage is enough. */
class QuietClientRedis extends ClientRedis {
  constructor(
    options: ConstructorParameters<typeof ClientRedis>[0],
    private readonly log: Logger,
  ) {
    super(options);
  }

  override registerErrorListener(client: Redis): void {
    let reported = false;
    client.on('ready', () => {
      reported = false;
    });
    client.on('error', (err: Error) => {
      if (!reported) this.log.warn({ err }, 'registry client: Redis connection error');
      reported = true;
    });
  }
}

/**
 * `RegistryClient` for gateways and workers in cluster mode (DESIGN (1), (3)).
 *
 * - `currentSnapshot` / `bundle` are `@nestjs/microservices` requests over Redis (`ClientRedis.send`)
 *   with a timeout (default 2 s), on the patterns `clusterNames(prefix).registryPatterns`.
 * - Registry down: the last snapshot of every app asked for is kept, and served when the registry does
 *   not answer (timeout, Redis error, registry error), so gateways keep serving cached apps. An app never
 *   seen before fails with `ServiceUnavailable` (503) after the timeout: nothing hangs.
 * - Bundles never change per `(appId, version)`: cached in a bounded LRU, concurrent misses share one request.
 * - `onDeploymentChanged` is fed by a Redis subscriber on `clusterNames(prefix).deploymentEvents`.
 *   After that subscriber reconnects (events may have been missed meanwhile), the client re-asks the
 *   registry for every app whose snapshot it holds and emits a real event for each that changed:
 *   `{appId, version: <new version>}`, or `{appId, version: null}` when the app is gone. Apps whose
 *   re-check fails (registry away too) are retried every second until it answers. Listeners therefore
 *   only ever see versions the registry actually served, which the gateway's `RouterCache` handles as is.
 */
export class RedisRegistryClient implements RegistryClient {
  private readonly names: ClusterNames;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly proxy: QuietClientRedis;
  private readonly subscriber: Redis;
  private readonly lastSnapshots = new LRUCache<string, RouteSnapshot>({ max: MAX_LAST_SNAPSHOTS });
  private readonly bundles = new LRUCache<string, FunctionBundle>({
    max: MAX_BUNDLES,
    maxSize: MAX_BUNDLE_BYTES,
    sizeCalculation: bundleSize,
  });
  private readonly bundlesInFlight = new Map<string, Promise<FunctionBundle | null>>();
  private readonly listeners = new Set<(event: DeploymentChanged) => void>();
  private readonly staleApps = new Set<string>();
  private subscriberWasReady = false;
  private subscriberErrorReported = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: RedisRegistryClientOptions) {
    this.names = clusterNames(options.prefix);
    this.logger = options.logger;
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REGISTRY_REQUEST_TIMEOUT_MS;
    const redis = redisOptionsFromUrl(options.redisUrl);
    this.proxy = new QuietClientRedis(
      {
        ...redis,
        retryAttempts: REDIS_RETRY_ATTEMPTS,
        retryDelay: REDIS_RECONNECT_DELAY_MS,
      },
      this.logger,
    );
    // Connect now so the first request does not pay for it; a failure here is retried by the client.
    this.proxy.connect().catch(() => undefined);
    this.subscriber = new Redis({ ...redis, retryStrategy: () => REDIS_RECONNECT_DELAY_MS });
    this.subscriber.on('error', (err: Error) => {
      if (!this.subscriberErrorReported) this.logger.warn({ err }, 'registry events: Redis connection error');
      this.subscriberErrorReported = true;
    });
    this.subscriber.on('ready', () => this.onSubscriberReady());
    this.subscriber.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    this.subscriber.subscribe(this.names.deploymentEvents).catch((err: unknown) => {
      // ioredis re-subscribes by itself once connected; this only records the first failure.
      this.logger.warn({ err }, 'registry events: subscribe failed, retried on reconnect');
    });
  }

  async currentSnapshot(appId: string): Promise<RouteSnapshot | null> {
    try {
      const snapshot = await this.fetchSnapshot(appId);
      this.remember(appId, snapshot);
      return snapshot;
    } catch (err) {
      const cached = this.lastSnapshots.get(appId);
      if (cached !== undefined) {
        this.logger.warn(
          { appId, version: cached.version, reason: describe(err) },
          'registry did not answer: serving the last known snapshot',
        );
        return cached;
      }
      throw unavailable(err, this.timeoutMs);
    }
  }

  bundle(appId: string, version: number): Promise<FunctionBundle | null> {
    const key = `${appId}@${version}`;
    const cached = this.bundles.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    const pending = this.bundlesInFlight.get(key);
    if (pending !== undefined) return pending;
    const request: BundleRequest = { appId, version };
    const promise = this.send<FunctionBundle | null>(this.names.registryPatterns.bundle, request)
      .then(
        (bundle) => {
          if (bundle !== null) this.bundles.set(key, bundle);
          return bundle;
        },
        (err: unknown) => {
          throw unavailable(err, this.timeoutMs);
        },
      )
      .finally(() => this.bundlesInFlight.delete(key));
    this.bundlesInFlight.set(key, promise);
    return promise;
  }

  onDeploymentChanged(listener: (event: DeploymentChanged) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Readiness: both Redis connections (requests and events) are up and Redis answers a PING within 1 s.
   * The registry itself is not required: while it is down, cached apps are still served.
   */
  async ready(): Promise<boolean> {
    if (this.closed || this.subscriber.status !== 'ready') return false;
    try {
      const [pub] = this.proxy.unwrap<[Redis, Redis]>();
      if (pub.status !== 'ready') return false;
      await pingWithin(pub, READY_PING_TIMEOUT_MS);
      return true;
    } catch {
      return false;
    }
  }

  /** Stops listening and closes both Redis connections; pending requests fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.refreshTimer);
    this.listeners.clear();
    await this.proxy.close().catch(() => undefined);
    if (this.subscriber.status === 'ready') await this.subscriber.quit().catch(() => undefined);
    this.subscriber.disconnect();
  }

  private fetchSnapshot(appId: string): Promise<RouteSnapshot | null> {
    const request: CurrentSnapshotRequest = { appId };
    return this.send<RouteSnapshot | null>(this.names.registryPatterns.currentSnapshot, request);
  }

  private send<T>(pattern: string, data: object): Promise<T> {
    return firstValueFrom(this.proxy.send<T>(pattern, data).pipe(timeout({ first: this.timeoutMs })));
  }

  /** Keeps the newest snapshot seen: a slow answer for an older version never replaces a newer one. */
  private remember(appId: string, snapshot: RouteSnapshot | null): void {
    if (snapshot === null) {
      this.lastSnapshots.delete(appId);
      return;
    }
    const cached = this.lastSnapshots.get(appId);
    if (cached === undefined || cached.version <= snapshot.version) this.lastSnapshots.set(appId, snapshot);
  }

  private onMessage(channel: string, message: string): void {
    if (channel !== this.names.deploymentEvents) return;
    let event: DeploymentChanged;
    try {
      event = DeploymentEventWireSchema.parse(JSON.parse(message));
    } catch (err) {
      this.logger.warn({ err }, 'registry events: malformed deployment event ignored');
      return;
    }
    if (event.version === null) this.forget(event.appId);
    this.emit(event);
  }

  private forget(appId: string): void {
    this.lastSnapshots.delete(appId);
    for (const key of [...this.bundles.keys()]) if (key.startsWith(`${appId}@`)) this.bundles.delete(key);
  }

  private emit(event: DeploymentChanged): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ err, appId: event.appId }, 'deployment listener failed');
      }
    }
  }

  private onSubscriberReady(): void {
    this.subscriberErrorReported = false;
    if (!this.subscriberWasReady) {
      this.subscriberWasReady = true;
      return;
    }
    this.logger.info(
      { apps: this.lastSnapshots.size },
      'registry events: reconnected, re-checking cached apps',
    );
    for (const appId of this.lastSnapshots.keys()) this.staleApps.add(appId);
    void this.refreshStaleApps();
  }

  /** Re-asks the registry for every stale app; emits an event for each that changed (see the class doc). */
  private async refreshStaleApps(): Promise<void> {
    clearTimeout(this.refreshTimer);
    const apps = [...this.staleApps];
    await Promise.all(
      apps.map(async (appId) => {
        try {
          const fresh = await this.fetchSnapshot(appId);
          this.staleApps.delete(appId);
          const cached = this.lastSnapshots.get(appId);
          if (fresh === null) {
            if (cached === undefined) return;
            this.forget(appId);
            this.emit({ appId, version: null });
          } else if (cached === undefined || cached.version !== fresh.version) {
            this.remember(appId, fresh);
            this.emit({ appId, version: fresh.version });
          }
        } catch {
          // Still stale: retried below until the registry answers.
        }
      }),
    );
    if (this.staleApps.size > 0 && !this.closed) {
      this.refreshTimer = setTimeout(() => void this.refreshStaleApps(), REFRESH_RETRY_MS);
      this.refreshTimer.unref();
    }
  }
}

/** PING that gives up after `ms` (ioredis would otherwise queue it until the connection returns). */
async function pingWithin(redis: Redis, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('PING timed out')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(err: unknown): string {
  if (err instanceof TimeoutError) return 'timeout';
  const rpc = RegistryRpcErrorSchema.safeParse(err);
  if (rpc.success) return `${rpc.data.error_code}: ${rpc.data.error}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The caller's error when the registry gives no usable answer and nothing is cached. */
function unavailable(err: unknown, timeoutMs: number): PorticoError {
  const reason =
    err instanceof TimeoutError
      ? `the registry did not answer within ${timeoutMs} ms`
      : `registry request failed (${describe(err)})`;
  return new PorticoError(ErrorCode.ServiceUnavailable, reason, 503);
}
