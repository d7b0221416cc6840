import { Inject, Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import { isAppId, type FunctionBundle, type RouteSnapshot } from '@portico/contracts';
import { STORE, type Store } from '@portico/store';
import { LRUCache } from 'lru-cache';
import { DeploymentEvents } from '../deployments/deployment-events.service';
import { DeploymentService } from '../deployments/deployment.service';
import { projectBundle, projectSnapshot } from './snapshot.projection';

/** Cache bounds: snapshots are small; bundles carry every source of a version, so they are bounded by size too. */
const MAX_SNAPSHOTS = 2000;
const MAX_BUNDLES = 500;
const MAX_BUNDLE_BYTES = 128 * 1024 * 1024;

function dropEntriesOf<V extends object>(cache: LRUCache<string, V>, appId: string): void {
  for (const key of [...cache.keys()]) if (key.startsWith(`${appId}@`)) cache.delete(key);
}

/** Cached projections are shared by every caller, so they are frozen: a caller's mutation fails loudly. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const bundleSize = (bundle: FunctionBundle): number =>
  Object.values(bundle.functions).reduce((sum, fn) => sum + fn.source.length * 2, 1024);

/**
 * Route snapshots and function bundles: pure projections of a deployment, cached by `(appId, version)`.
 * A version never changes, so entries never go stale; those of a deleted app are dropped. Returned
 * objects are shared and deeply frozen.
 */
@Injectable()
export class SnapshotService implements OnModuleDestroy {
  private readonly snapshots = new LRUCache<string, RouteSnapshot>({ max: MAX_SNAPSHOTS });
  private readonly bundles = new LRUCache<string, FunctionBundle>({
    max: MAX_BUNDLES,
    maxSize: MAX_BUNDLE_BYTES,
    sizeCalculation: bundleSize,
  });
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(STORE) private readonly store: Store,
    events: DeploymentEvents,
    /** Gives apps made before user tokens existed their signing key (see `currentSnapshot`). */
    @Optional() private readonly deployments?: DeploymentService,
  ) {
    this.unsubscribe = events.subscribe(({ appId, version }) => {
      if (version === null) this.evict(appId);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** The snapshot of the app's current version, or null when the app does not exist. */
  async currentSnapshot(appId: string): Promise<RouteSnapshot | null> {
    if (!isAppId(appId)) return null;
    const app = await this.store.metadata.getApp(appId);
    if (!app) return null;
    const key = `${appId}@${app.version}`;
    const cached = this.snapshots.get(key);
    if (cached) return cached;
    const deployment = await this.store.metadata.getDeployment(appId, app.version);
    if (!deployment) return null;
    if (!deployment.spec.auth_signing_key && this.deployments) {
      // An app from before user tokens: any committed change gives it its key (DeploymentService),
      // so commit an unchanged spec once and serve that version.
      await this.deployments.change(appId, (spec) => spec);
      return this.currentSnapshot(appId);
    }
    const snapshot = deepFreeze(projectSnapshot(app, deployment));
    this.snapshots.set(key, snapshot);
    return snapshot;
  }

  /** The bundle of one exact version, or null when that app or version does not exist (any more). */
  async bundle(appId: string, version: number): Promise<FunctionBundle | null> {
    if (!isAppId(appId)) return null;
    const key = `${appId}@${version}`;
    const cached = this.bundles.get(key);
    if (cached) return cached;
    const [app, deployment] = await Promise.all([
      this.store.metadata.getApp(appId),
      this.store.metadata.getDeployment(appId, version),
    ]);
    if (!app || !deployment) return null;
    const bundle = deepFreeze(projectBundle(app, deployment));
    this.bundles.set(key, bundle);
    return bundle;
  }

  private evict(appId: string): void {
    dropEntriesOf(this.snapshots, appId);
    dropEntriesOf(this.bundles, appId);
  }
}
