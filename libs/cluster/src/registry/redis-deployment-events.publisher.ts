import { clusterNames, type DeploymentChanged } from '@portico/contracts';
import type { Logger } from '@portico/logging';
import Redis from 'ioredis';
import { redisOptionsFromUrl } from './redis-url';

/** Where the registry's in-process deployment events come from (`DeploymentEvents` fits). */
export interface DeploymentEventSource {
  subscribe(listener: (event: DeploymentChanged) => void): () => void;
}

/** Options of `RedisDeploymentEventsPublisher`. */
export interface RedisDeploymentEventsPublisherOptions {
  redisUrl: string;
  prefix: string;
  logger: Logger;
}

/**
 * Registry side of the deployment events in cluster mode: re-publishes every in-process event as JSON
 * `{appId, version}` on `clusterNames(prefix).deploymentEvents` (plain Redis PUBLISH). While Redis is
 * away ioredis queues the commands and sends them on reconnect; gateways and workers also re-check
 * their cached apps after their own reconnect (see `RedisRegistryClient`), so a lost event heals.
 */
export class RedisDeploymentEventsPublisher {
  private readonly redis: Redis;
  private readonly channel: string;
  private readonly logger: Logger;
  private readonly detachers: (() => void)[] = [];

  constructor(options: RedisDeploymentEventsPublisherOptions) {
    this.channel = clusterNames(options.prefix).deploymentEvents;
    this.logger = options.logger;
    this.redis = new Redis(redisOptionsFromUrl(options.redisUrl));
    // Without a listener ioredis prints every connection error to the console.
    this.redis.on('error', (err: Error) => this.logger.debug({ err }, 'deployment events: Redis error'));
  }

  /** Re-publishes every event of `source` from now on; returns the function that stops it. */
  attach(source: DeploymentEventSource): () => void {
    const detach = source.subscribe((event) => {
      void this.publish(event);
    });
    this.detachers.push(detach);
    return detach;
  }

  /** Publishes one event; a failure is logged, never thrown (the admin change is already committed). */
  async publish(event: DeploymentChanged): Promise<void> {
    try {
      await this.redis.publish(this.channel, JSON.stringify({ appId: event.appId, version: event.version }));
    } catch (err) {
      this.logger.warn(
        { err, appId: event.appId, version: event.version },
        'could not publish a deployment event',
      );
    }
  }

  /** Detaches from every source and closes the Redis connection. */
  async close(): Promise<void> {
    for (const detach of this.detachers.splice(0)) detach();
    if (this.redis.status !== 'ready') {
      this.redis.disconnect();
      return;
    }
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
