/** One entry of an app's invocation log (`GET /admin/v1/apps/:appId/logs`), newest first. */
export interface InvocationLogEntry {
  id: string;
  requestId: string;
  /** ISO-8601 start time. */
  time: string;
  /** `endpoint`: a function endpoint; `data-api`: a Data API action (no function ran). */
  type: 'endpoint' | 'data-api';
  method: string;
  route: string;
  function_name: string;
  status: number;
  duration_ms: number;
  logs: string[];
  /** Set when the invocation failed: the error code and message the client saw. */
  error?: { code: string; message: string };
  cold?: boolean;
  /** The worker instance that ran it (`<host>/<pid>`), for operators tracing a call. */
  worker?: string;
}
