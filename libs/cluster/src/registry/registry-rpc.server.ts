import { ServerRedis } from '@nestjs/microservices';
import type { MessageHandler } from '@nestjs/microservices';
import { clusterNames } from '@portico/contracts';
import {
  REDIS_RECONNECT_DELAY_MS,
  REDIS_RETRY_ATTEMPTS,
  REGISTRY_RPC_PATTERNS,
  type RegistryRpcPatternKey,
} from './registry-rpc.constants';
import { redisOptionsFromUrl } from './redis-url';

/** Options of `RegistryRpcServer`. */
export interface RegistryRpcServerOptions {
  redisUrl: string;
  /** `PORTICO_REDIS_PREFIX`: every pattern this server answers carries it. */
  prefix: string;
  /** Called after the server's Redis connections are closed (e.g. to close the events publisher). */
  onClose?: () => Promise<void>;
}

/**
 * Nest's Redis transport, answering the registry patterns under one installation prefix. Controllers
 * use the prefix-free `REGISTRY_RPC_PATTERNS`; each is registered (and so SUBSCRIBEd, exact match, no
 * wildcards) under its wire name from `clusterNames(prefix).registryPatterns`. A pattern it does not know
 * fails at start-up rather than silently answering under a name no client asks for.
 */
export class RegistryRpcServer extends ServerRedis {
  private readonly wireNames: ReadonlyMap<string, string>;
  private readonly onClose?: () => Promise<void>;

  constructor(options: RegistryRpcServerOptions) {
    const redis = redisOptionsFromUrl(options.redisUrl);
    super({
      ...redis,
      retryAttempts: REDIS_RETRY_ATTEMPTS,
      retryDelay: REDIS_RECONNECT_DELAY_MS,
    });
    const wire = clusterNames(options.prefix).registryPatterns;
    this.wireNames = new Map(
      (Object.keys(REGISTRY_RPC_PATTERNS) as RegistryRpcPatternKey[]).map((key) => [
        REGISTRY_RPC_PATTERNS[key],
        wire[key],
      ]),
    );
    this.onClose = options.onClose;
  }

  override addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler?: boolean,
    extras?: Record<string, unknown>,
  ): void {
    const logical = this.normalizePattern(pattern as string);
    const wireName = this.wireNames.get(logical);
    if (wireName === undefined) {
      throw new Error(`registry RPC: no wire name for message pattern "${logical}"`);
    }
    super.addHandler(wireName, callback, isEventHandler, extras);
  }

  override async close(): Promise<void> {
    await super.close();
    await this.onClose?.();
  }
}
