import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FunctionBundle, InvocationJob, InvocationResult } from '@portico/contracts';
import type { SandboxEngineName } from '../../engine/sandbox-engine.port';
import { SandboxPool } from '../../pool/sandbox.pool';
import type { HostCallHandler } from '../../sandbox.port';
import { bundleOf, jobOf, memoryLogger, noHostCalls, text } from '../../testing/sandbox.fixtures';

/**
 * Shared pieces of the escape and abuse regression suite: a canary planted where only the host side
 * can read it, a guest "escape kit" that turns any host object it manages to reach into loot (the
 * environment, the canary file), and the assertions every attempt ends with.
 */

/** Secrets that only an escaped guest could read: one in this process's environment, one in a file. */
export interface Canary {
  envName: string;
  envValue: string;
  file: string;
  fileValue: string;
  dispose(): void;
}

/** Plants the canary. Call before creating the pool, so hosts would inherit it if the pool leaked env. */
export function plantCanary(): Canary {
  const envName = 'PORTICO_ESCAPE_CANARY';
  const envValue = `canary-env-${randomBytes(12).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'portico-escape-'));
  const file = join(dir, 'canary.txt');
  const fileValue = `canary-file-${randomBytes(12).toString('hex')}`;
  writeFileSync(file, fileValue);
  process.env[envName] = envValue;
  return {
    envName,
    envValue,
    file,
    fileValue,
    dispose() {
      delete process.env[envName];
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Guest code prepended to every attempt. `__probe(label, value)` inspects whatever an attempt
 * obtained: a host `process`, `require`, `module` or `Buffer` (directly or as properties of a foreign
 * global; the guest's own `Buffer` global excepted) is recorded in `__found` and looted, so a real escape puts the canary into the result.
 * `__chain(label, obj)` walks an object's prototype chain and tries the constructor-chain escapes
 * on every level and on its own function-valued properties. `__report()` is what attempts return.
 */
export const ESCAPE_KIT = String.raw`
const __found = [];
// The guest global's own Buffer (the browser build of the buffer module, evaluated in the isolate,
// docs/functions.md) is not a find: any other Buffer is.
const __guestBuffer = globalThis.Buffer;
let __canaryFile = '';
function __loot(label, proc, req) {
  __found.push(label);
  try { if (proc) __found.push(JSON.stringify(proc.env)); } catch (e) {}
  try { if (proc) __found.push(String(proc.binding('fs'))); } catch (e) {}
  try { if (req) __found.push(String(req('fs').readFileSync(__canaryFile, 'utf8'))); } catch (e) {}
  try { if (proc && proc.mainModule) __found.push(String(proc.mainModule.require('fs').readFileSync(__canaryFile, 'utf8'))); } catch (e) {}
}
function __probe(label, v) {
  if (v === null || v === undefined) return;
  if (typeof v !== 'object' && typeof v !== 'function') return;
  let proc, req, mod, buf;
  try { proc = v.process; } catch (e) {}
  try { if (!proc && typeof v.binding === 'function' && v.env) proc = v; } catch (e) {}
  try { req = v.require; } catch (e) {}
  try { if (!req && typeof v === 'function' && typeof v.resolve === 'function' && v.cache) req = v; } catch (e) {}
  try { mod = v.module; } catch (e) {}
  try { buf = v.Buffer; if (buf === __guestBuffer) buf = undefined; } catch (e) {}
  if (proc || req || mod || buf) __loot(label, proc, req);
}
function __try(label, f) {
  try { __probe(label, f()); } catch (e) { /* blocked: what should happen */ }
}
function __chain(label, obj) {
  let o = obj;
  for (let depth = 0; o !== null && o !== undefined && depth < 12; depth++) {
    const at = o;
    __try(label + ':this@' + depth, () => at.constructor.constructor('return this')());
    __try(label + ':process@' + depth, () => ({ process: at.constructor.constructor('return process')() }));
    __try(label + ':require@' + depth, () => ({ require: at.constructor.constructor('return require')() }));
    __try(label + ':proto@' + depth, () => at.__proto__.constructor.constructor('return this')());
    try { o = Object.getPrototypeOf(o); } catch (e) { o = null; }
  }
  if (obj !== null && (typeof obj === 'object' || typeof obj === 'function')) {
    let names = [];
    try { names = Object.getOwnPropertyNames(obj); } catch (e) {}
    for (const k of names) {
      let f;
      try { f = obj[k]; } catch (e) { continue; }
      if (typeof f === 'function') {
        __try(label + '.' + k, () => f.constructor('return this')());
        __try(label + '.' + k + ':process', () => ({ process: f.constructor('return process')() }));
      }
    }
  }
}
function __report(extra) { return Object.assign({ found: __found }, extra || {}); }
`;

/**
 * A guest function source: the kit, then the attempt, which defines `function attempt(request, response)`.
 * The export learns the canary file's path from the query first (as a real escape would need it).
 */
export const attemptSource = (body: string): string =>
  `${ESCAPE_KIT}\n${body}\nexports = function (request, response) { __canaryFile = String(request.query.canary || ''); return attempt.call(this, request, response); };`;

export const HELLO = 'exports = function () { return "hello"; };';

/** A pool sized for the suite: room for the attacker, a bystander and the spare. */
export function escapePool(engine: SandboxEngineName): SandboxPool {
  return new SandboxPool({ engine, maxProcesses: 3, maxProcessesPerApp: 1, logger: memoryLogger() });
}

/** Everything an invocation handed back, as one string to search for the canary. */
export function resultText(result: InvocationResult): string {
  return JSON.stringify({
    status: result.response?.status,
    headers: result.response?.headers,
    body: text(result.response?.body),
    error: result.error,
    logs: result.logs,
  });
}

/** (a) The attempt reached nothing of the host: no canary anywhere in what came back. */
export function expectNoCanary(result: InvocationResult, canary: Canary): void {
  const all = resultText(result);
  expect(all).not.toContain(canary.envValue);
  expect(all).not.toContain(canary.fileValue);
}

/** The attempt's own report (`__report()`), or undefined when it ended without a JSON body. */
export function reportOf(
  result: InvocationResult,
): ({ found: string[] } & Record<string, unknown>) | undefined {
  const body = text(result.response?.body);
  if (!body) return undefined;
  try {
    return JSON.parse(body) as { found: string[] } & Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Deployments are immutable per (appId, version): every attempt is a new version, so hosts load its source. */
let version = 0;

/** Runs one attempt as app `appId`, with the canary file's path in the query (as an escape would need). */
export function runAttempt(
  pool: SandboxPool,
  canary: Canary,
  appId: string,
  body: string,
  options: {
    hostCalls?: HostCallHandler;
    bundle?: Partial<FunctionBundle>;
    deadlineMs?: number;
    body?: InvocationJob['request']['body'];
  } = {},
): Promise<InvocationResult> {
  version++;
  const bundle = bundleOf(
    appId,
    { attempt: attemptSource(body), hello: HELLO },
    { version, ...options.bundle },
  );
  return pool.run(
    bundle,
    jobOf(
      appId,
      'attempt',
      options.deadlineMs === undefined ? { version } : { version, deadline: Date.now() + options.deadlineMs },
      {
        query: { canary: canary.file },
        rawQueryString: `canary=${encodeURIComponent(canary.file)}`,
        body: options.body ?? null,
      },
    ),
    options.hostCalls ?? noHostCalls,
  );
}

/** (b) The pool keeps serving: a hello of another app answers. */
export async function expectStillServing(pool: SandboxPool, bystander = 'bystander-abcde'): Promise<void> {
  const r = await pool.run(bundleOf(bystander, { hello: HELLO }), jobOf(bystander, 'hello'), noHostCalls);
  expect(r.error).toBeUndefined();
  expect(text(r.response?.body)).toBe('"hello"');
}

/** Both halves for an attempt that must come back with a report: nothing found, no canary. */
export function expectContained(result: InvocationResult, canary: Canary): void {
  expectNoCanary(result, canary);
  const report = reportOf(result);
  expect(result.error).toBeUndefined();
  expect(report?.found).toEqual([]);
}

/**
 * Registers a suite's set-up and tear-down: a canary planted before the pool starts (so hosts would
 * inherit it if the pool leaked the environment) and a pool of `engine`, closed after the suite.
 * Read `canary` and `pool` inside tests, not at describe time.
 */
export function useEscapePool(engine: SandboxEngineName): {
  readonly canary: Canary;
  readonly pool: SandboxPool;
} {
  let canary: Canary | undefined;
  let pool: SandboxPool | undefined;
  beforeAll(() => {
    canary = plantCanary();
    pool = escapePool(engine);
  });
  afterAll(async () => {
    await pool?.close();
    canary?.dispose();
  });
  return {
    get canary(): Canary {
      if (!canary) throw new Error('useEscapePool: read canary inside a test');
      return canary;
    },
    get pool(): SandboxPool {
      if (!pool) throw new Error('useEscapePool: read pool inside a test');
      return pool;
    },
  };
}
