import { builtinModules } from 'node:module';
import { resolveModule, type VirtualFiles } from './module-resolver';
import { PURE_BUILTINS, PlatformModules } from './platform-modules';
import { SyncCallError, text } from './sync-call.args';

/**
 * The host half of the guest's `require` (issue #5 item 2; the guest half is
 * guest/module-loader.runtime.ts). The guest asks `require(from, request)` and gets a module id and
 * its source. Ids name a space and a path in it: `app:<path>` (the app's `node_modules`, from its
 * bundle), `platform:<path>` (the browser builds of the pure built-ins, see `PlatformModules`), or
 * `node:crypto` (a guest shim over host hashing). A `from` id is guest input like any other: it only
 * picks the space and the directory resolution starts in, and every answer is a key of that space.
 */

/** A module the guest evaluates (`source`), or `node:crypto`, which it builds itself. */
export interface ResolvedModule {
  id: string;
  source?: string;
}

const NODE_BUILTINS = new Set(builtinModules);
const GUEST_BUILTINS = new Set(['crypto']);

/** The error every other built-in gives, naming what is on offer. */
export function unavailableBuiltin(name: string): string {
  const offered = [...Object.keys(PURE_BUILTINS), 'crypto (hashing, HMAC, randomBytes)'].join(', ');
  return `module "${name}" is not available in Portico functions (only pure built-ins: ${offered})`;
}

let platform: PlatformModules | undefined;
/** Collected on first use: most apps never require a built-in, and spare hosts start without it. */
const platformModules = (): PlatformModules => (platform ??= PlatformModules.collect());

/** The app's dependency files as the resolver reads them. */
export class AppModules implements VirtualFiles {
  constructor(private readonly files: Record<string, string>) {}
  has(path: string): boolean {
    return Object.hasOwn(this.files, path);
  }
  read(path: string): string | undefined {
    return Object.hasOwn(this.files, path) ? this.files[path] : undefined;
  }
}

export function resolveRequire(app: AppModules | undefined, from: unknown, request: unknown): ResolvedModule {
  const name = text(request, 'module name', 1024);
  const origin = from === null || from === undefined ? undefined : text(from, 'module id', 2048);
  const builtin = name.startsWith('node:') ? name.slice(5) : name;
  if (name.startsWith('node:') || NODE_BUILTINS.has(builtin)) {
    if (GUEST_BUILTINS.has(builtin)) return { id: `node:${builtin}` };
    const provider = Object.hasOwn(PURE_BUILTINS, builtin) ? PURE_BUILTINS[builtin] : undefined;
    if (provider === undefined) throw new SyncCallError(unavailableBuiltin(builtin));
    return load('platform', platformModules(), undefined, provider, name, true);
  }
  if (origin?.startsWith('platform:')) {
    return load('platform', platformModules(), origin.slice('platform:'.length), name, name, true);
  }
  const fromPath = origin?.startsWith('app:') ? origin.slice('app:'.length) : undefined;
  if (app === undefined) {
    throw new SyncCallError(
      `Cannot find module '${name}': the app has no npm dependencies (functions/node_modules)`,
    );
  }
  return load('app', app, fromPath, name, name, false);
}

function load(
  space: 'app' | 'platform',
  files: VirtualFiles,
  fromPath: string | undefined,
  request: string,
  shown: string,
  browser: boolean,
): ResolvedModule {
  const path = resolveModule(files, fromPath, request, { browser });
  const source = path === undefined ? undefined : files.read(path);
  if (path === undefined || source === undefined) throw new SyncCallError(`Cannot find module '${shown}'`);
  return { id: `${space}:${path}`, source };
}
