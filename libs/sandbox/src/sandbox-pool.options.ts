import type { SandboxEngineName } from './engine/sandbox-engine.port';

/** Minimal structured logger (pino's `logger.warn(obj, msg)` shape fits). */
export interface SandboxLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Options of `new SandboxPool(options)`. */
export interface SandboxPoolOptions {
  /** Engine the hosts run guest code with. */
  engine: SandboxEngineName;
  /** Host processes in all, the pre-started spare included (>= 1). */
  maxProcesses: number;
  /** Host processes one app may hold at once (>= 1; capped by `maxProcesses`). */
  maxProcessesPerApp: number;
  /** Where host process output and host failures go. Default: warnings and errors to stderr as JSON lines. */
  logger?: SandboxLogger;
  /** `--max-old-space-size` of each host process in MB (the host's own heap; isolates have their own limits). Default 256. */
  hostHeapMb?: number;
  /** Extra Node.js flags for host processes (diagnostics, e.g. `--cpu-prof`). Default none. */
  hostNodeOptions?: readonly string[];
  /** Keep one pre-started, unassigned host so an app's cold start needs no process start. Default true. */
  spare?: boolean;
  /**
   * Called when a host process is killed because an invocation overran a limit: `time` (wall time),
   * `memory` (the isolate's heap; the host reported a fatal error) or `cpu` (`limits.cpu_ms`; the
   * host ended itself). For metrics; must not throw.
   */
  onLimitKill?: (reason: 'time' | 'memory' | 'cpu', appId: string | null) => void;
}

export const DEFAULT_HOST_HEAP_MB = 256;

/** Used when no logger is given: hosts dying must not go unnoticed. */
export const stderrLogger: SandboxLogger = {
  info: () => undefined,
  warn: (fields, message) =>
    process.stderr.write(`${JSON.stringify({ level: 'warn', ...fields, msg: message })}\n`),
  error: (fields, message) =>
    process.stderr.write(`${JSON.stringify({ level: 'error', ...fields, msg: message })}\n`),
};
