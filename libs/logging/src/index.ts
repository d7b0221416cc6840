export * from './logger';
export * from './nest-logger';
export * from './logging.module';
export * from './request-id';
export * from './http-logging.module';
