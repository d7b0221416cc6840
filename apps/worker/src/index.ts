export * from './worker.module';
export * from './invocation.service';
export * from './invocation-log-writer.service';
export * from './in-process-transport';
export { sandboxReadiness } from './sandbox-readiness';
