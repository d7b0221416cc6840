import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';

export const PORTICO_LOGGER = Symbol('PorticoLogger');

/** Provides the process's root `Logger` to every module (children add their own bindings). */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      providers: [{ provide: PORTICO_LOGGER, useValue: logger }],
      exports: [PORTICO_LOGGER],
    };
  }
}
