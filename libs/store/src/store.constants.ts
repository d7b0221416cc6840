/** Deployment versions kept per app: the current one and the 19 before it (older ones are pruned). */
export const DEPLOYMENT_RETENTION = 20;

/** Invocation log entries kept per app when the adapter is given no retention (`PORTICO_LOG_RETENTION`). */
export const DEFAULT_LOG_RETENTION = 1000;

/** MongoDB's largest document; the embedded adapter enforces the same limit so both behave alike. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** Options every adapter takes. */
export interface StoreAdapterOptions {
  /** Invocation log entries kept per app, newest first. Default {@link DEFAULT_LOG_RETENTION}. */
  logRetention?: number;
}
