import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { isAppId, REGISTRY_CLIENT, type DeploymentChanged, type RegistryClient } from '@portico/contracts';
import type { AtlasFormat, CodecRegistry } from '@portico/formats';
import { PORTICO_LOGGER, type Logger } from '@portico/logging';
import { ATLAS_CODECS, UNKNOWN_APP_CACHE_SIZE, UNKNOWN_APP_TTL_MS } from '../gateway.constants';
import { compileApp, type CompiledApp } from './compiled-app';

/**
 * Per app, the current `RouteSnapshot` compiled into a route table (DESIGN (1)).
 *
 * - First use fetches from the registry once, however many requests arrive together (single flight).
 * - A deployment event for a cached app builds the new table aside and swaps it in whole; requests
 *   arriving meanwhile wait for that build rather than use the outdated table, so a revoked key or a
 *   removed endpoint stops working as soon as the change is announced. `version: null` drops the app.
 * - Ids that cannot be app ids never reach the registry; unknown apps are remembered briefly.
 */
@Injectable()
export class RouterCache implements OnModuleInit, OnModuleDestroy {
  private readonly apps = new Map<string, CompiledApp>();
  private readonly loading = new Map<string, Promise<CompiledApp | null>>();
  private readonly unknown = new LRUCache<string, true>({
    max: UNKNOWN_APP_CACHE_SIZE,
    ttl: UNKNOWN_APP_TTL_MS,
  });
  /** Bumped by every change event of a cached app: a load started before the latest change is not stored. */
  private readonly generations = new Map<string, number>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(REGISTRY_CLIENT) private readonly registry: RegistryClient,
    @Inject(ATLAS_CODECS) private readonly codecs: CodecRegistry<AtlasFormat>,
    @Inject(PORTICO_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.registry.onDeploymentChanged((event) => this.onDeploymentChanged(event));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** The compiled app when it is cached and current: the synchronous path of almost every request. */
  peek(appId: string): CompiledApp | undefined {
    return this.apps.get(appId);
  }

  /** The compiled app, fetching it on first use; null when the app does not exist. */
  get(appId: string): Promise<CompiledApp | null> {
    const hit = this.apps.get(appId);
    if (hit !== undefined) return Promise.resolve(hit);
    const pending = this.loading.get(appId);
    if (pending !== undefined) return pending;
    if (!isAppId(appId) || this.unknown.has(appId)) return Promise.resolve(null);
    return this.load(appId);
  }

  private load(appId: string): Promise<CompiledApp | null> {
    const generation = this.generations.get(appId) ?? 0;
    const settle = (): void => {
      if (this.loading.get(appId) === promise) this.loading.delete(appId);
    };
    const promise: Promise<CompiledApp | null> = this.registry.currentSnapshot(appId).then(
      (snapshot) => {
        const compiled = snapshot === null ? null : this.compile(snapshot);
        settle();
        if ((this.generations.get(appId) ?? 0) === generation) {
          if (compiled === null) {
            this.apps.delete(appId);
            this.unknown.set(appId, true);
          } else {
            this.apps.set(appId, compiled);
          }
        }
        return compiled;
      },
      (err: unknown) => {
        settle();
        throw err;
      },
    );
    this.loading.set(appId, promise);
    return promise;
  }

  private compile(snapshot: Parameters<typeof compileApp>[0]): CompiledApp {
    return compileApp(snapshot, this.codecs, ({ definition, reason }) =>
      this.logger.warn(
        {
          appId: snapshot.appId,
          version: snapshot.version,
          route: definition.path,
          method: definition.method,
          reason,
        },
        'endpoint left out of the route table',
      ),
    );
  }

  private onDeploymentChanged({ appId, version }: DeploymentChanged): void {
    this.unknown.delete(appId);
    const cached = this.apps.get(appId);
    const isLoading = this.loading.has(appId);
    if (cached === undefined && !isLoading) return; // not in use here: the next request loads it fresh
    if (version !== null && !isLoading && cached !== undefined && cached.snapshot.version >= version) return;
    this.generations.set(appId, (this.generations.get(appId) ?? 0) + 1);
    this.apps.delete(appId);
    this.loading.delete(appId);
    if (version === null) return;
    this.load(appId).catch((err: unknown) => {
      this.logger.warn(
        { err, appId, version },
        'could not load the new deployment; the next request retries',
      );
    });
  }
}
