export * from './errors';
export * from './ids';
export * from './limits';
export * from './app-spec';
export * from './snapshot';
export * from './invocation';
export * from './invocation-log';
export * from './ports';
