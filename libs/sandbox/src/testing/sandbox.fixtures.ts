import { runInNewContext } from 'node:vm';
import type { FunctionBundle, InvocationJob } from '@portico/contracts';
import type { HostCallHandler } from '../sandbox.port';
import type { SandboxLogger } from '../sandbox-pool.options';

/** Test helpers for pool specs: bundles and jobs with sensible defaults. */

export function bundleOf(
  appId: string,
  functions: Record<string, string | { source: string; private: boolean }>,
  overrides: Partial<FunctionBundle> = {},
): FunctionBundle {
  const fns: FunctionBundle['functions'] = {};
  for (const [name, f] of Object.entries(functions))
    fns[name] = typeof f === 'string' ? { source: f, private: false } : f;
  return {
    appId,
    appName: appId.replace(/-[a-z]{5}$/, ''),
    version: 1,
    created_at: '2024-01-02T03:04:05.000Z',
    limits: { timeout_ms: 10_000, memory_mb: 64, max_request_bytes: 1024 * 1024 },
    functions: fns,
    values: {},
    environment: { tag: '', values: {} },
    services: ['mongodb-atlas'],
    ...overrides,
  };
}

let seq = 0;

export function jobOf(
  appId: string,
  functionName: string,
  overrides: Partial<InvocationJob> = {},
  request: Partial<InvocationJob['request']> = {},
): InvocationJob {
  seq++;
  return {
    requestId: `req-${seq}`,
    appId,
    version: overrides.version ?? 1,
    functionName,
    deadline: Date.now() + 30_000,
    request: {
      method: 'GET',
      route: '/hello',
      headers: { 'User-Agent': ['jest'], Referer: ['http://ref.example/'] },
      query: {},
      rawQueryString: '',
      remoteIPAddress: '127.0.0.1',
      body: null,
      ...request,
    },
    endpoint: { route: '/hello', httpMethod: 'GET', respondResult: true },
    responseFormat: 'JSON',
    user: { id: 'system', type: 'system', data: {}, custom_data: {}, identities: [] },
    runAsSystem: true,
    ...overrides,
  };
}

/** A handler for functions that must make no host call. */
export const noHostCalls: HostCallHandler = (call) =>
  Promise.reject(new Error(`unexpected host call ${call.op}`));

/** Collects what the hosts log instead of printing it. */
export function memoryLogger(): SandboxLogger & { lines: string[] } {
  const lines: string[] = [];
  const log = (fields: Record<string, unknown>, message: string) =>
    void lines.push(`${message} ${JSON.stringify(fields)}`);
  return { lines, info: log, warn: log, error: log };
}

export const text = (body: Uint8Array | null | undefined): string =>
  body ? Buffer.from(body).toString('utf8') : '';

/**
 * What the guest runtime puts on the global object beyond plain ECMAScript, on every engine: BSON,
 * EJSON, the text codecs, `utils` and its own (guest-realm) `Buffer`.
 */
export const GUEST_RUNTIME_GLOBALS = [
  'BSON',
  'Buffer',
  'EJSON',
  'TextDecoder',
  'TextEncoder',
  'atob',
  'btoa',
  'utils',
] as const;

/** The names a guest reported on its global object that a fresh Node context does not have, sorted. */
export function nonStandardGlobals(names: readonly string[]): string[] {
  const standard = new Set(runInNewContext('Object.getOwnPropertyNames(globalThis)') as string[]);
  return names.filter((name) => !standard.has(name)).sort();
}
