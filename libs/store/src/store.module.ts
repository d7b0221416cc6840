import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PORTICO_CONFIG, type PorticoConfig } from '@portico/config';
import { STORE, type Store } from './store.port';
import { openStore } from './store.factory';

/** Token of the store the module opened itself (and so must close). */
const OWNED_STORE = Symbol('OwnedStore');

export interface StoreModuleOptions {
  /**
   * A store opened by the caller, shared by several Nest applications in one process (standalone
   * mode). The caller closes it. Unset: the module opens one from `PORTICO_CONFIG` and closes it on
   * application shutdown.
   */
  store?: Store;
}

/** Closes the store on shutdown when the module opened it. */
@Injectable()
class StoreCloser implements OnApplicationShutdown {
  constructor(@Inject(OWNED_STORE) private readonly owned: Store | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.owned?.close();
  }
}

/** Provides {@link STORE} everywhere (global). Needs `ConfigModule.forRoot()` unless given a store. */
@Global()
@Module({})
export class StoreModule {
  static forRoot(options: StoreModuleOptions = {}): DynamicModule {
    const given = options.store;
    return {
      module: StoreModule,
      providers: [
        given
          ? { provide: OWNED_STORE, useValue: null }
          : {
              provide: OWNED_STORE,
              inject: [PORTICO_CONFIG],
              useFactory: (config: PorticoConfig) => openStore(config),
            },
        { provide: STORE, inject: [OWNED_STORE], useFactory: (owned: Store | null) => given ?? owned },
        StoreCloser,
      ],
      exports: [STORE],
    };
  }
}
