import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { REGISTRY_CLIENT, type FunctionBundle, type RegistryClient } from '@portico/contracts';

/** How many (app, version) bundles a worker keeps; the least recently used goes first. */
const MAX_BUNDLES = 256;

/**
 * Function bundles keyed by `(appId, version)` (DESIGN (3)). A version is immutable, so an entry never
 * goes stale; a redeploy simply asks for a new key. Concurrent misses for one key share one lookup.
 */
@Injectable()
export class BundleCache implements OnModuleDestroy {
  private readonly bundles = new Map<string, FunctionBundle>();
  private readonly pending = new Map<string, Promise<FunctionBundle | null>>();
  private readonly unsubscribe: () => void;

  constructor(@Inject(REGISTRY_CLIENT) private readonly registry: RegistryClient) {
    // Deleted apps free their bundles at once; new versions need no invalidation.
    this.unsubscribe = registry.onDeploymentChanged(({ appId, version }) => {
      if (version === null)
        for (const key of this.bundles.keys()) if (key.startsWith(`${appId}@`)) this.bundles.delete(key);
    });
  }

  get(appId: string, version: number): FunctionBundle | Promise<FunctionBundle | null> {
    const key = `${appId}@${version}`;
    const hit = this.bundles.get(key);
    if (hit) {
      // Map order is insertion order: re-inserting marks the entry most recently used.
      this.bundles.delete(key);
      this.bundles.set(key, hit);
      return hit;
    }
    let lookup = this.pending.get(key);
    if (!lookup) {
      lookup = this.registry.bundle(appId, version).then(
        (bundle) => {
          this.pending.delete(key);
          if (bundle) {
            this.bundles.set(key, bundle);
            if (this.bundles.size > MAX_BUNDLES)
              this.bundles.delete(this.bundles.keys().next().value as string);
          }
          return bundle;
        },
        (err: unknown) => {
          this.pending.delete(key);
          throw err;
        },
      );
      this.pending.set(key, lookup);
    }
    return lookup;
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }
}
