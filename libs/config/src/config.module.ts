import { Global, Module } from '@nestjs/common';
import { loadConfig, type PorticoConfig } from './config';

export const PORTICO_CONFIG = Symbol('PorticoConfig');

/**
 * Provides the one `PorticoConfig`. `forRoot(config)` takes an already loaded config (main.ts loads it
 * before Nest starts, so a bad variable stops the process with a readable message, not a DI trace).
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: PorticoConfig = loadConfig()) {
    return {
      module: ConfigModule,
      providers: [{ provide: PORTICO_CONFIG, useValue: config }],
      exports: [PORTICO_CONFIG],
    };
  }
}
