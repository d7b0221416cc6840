import { METHODS } from 'node:http';
import FindMyWay, { type HTTPMethod } from 'find-my-way';

/** One tenant route as the table is given it. `method` is an HTTP method or `*` (any method). */
export interface RouteDefinition<T> {
  path: string;
  method: string;
  target: T;
  /** A disabled route still occupies its path, so it answers 404 rather than 405. */
  disabled: boolean;
}

export type RouteMatch<T> =
  | { readonly kind: 'found'; readonly target: T }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' };

/** Why a definition was left out of the table (reported once per compile, then ignored). */
export interface RejectedRoute<T> {
  definition: RouteDefinition<T>;
  reason: string;
}

interface Entry<T> {
  hit: RouteMatch<T>;
  disabled: boolean;
}

const ANY_METHOD = '*';
const ALL_METHODS = METHODS as HTTPMethod[];
/** Methods an `Allow` header may list: the ones an Atlas endpoint can be configured with. */
const ALLOWABLE_METHODS: readonly HTTPMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const NOT_FOUND: RouteMatch<never> = { kind: 'not-found' };

/**
 * One app's compiled routes: a `find-my-way` radix tree built once per deployment version and never
 * mutated afterwards (a new version builds a new table, which is then swapped in whole).
 *
 * Paths are literal (Atlas routes have no parameters), so the characters find-my-way would read as
 * syntax are escaped; a route that still cannot be looked up by its own URL is rejected instead of
 * silently shadowing others. A specific method beats `*` on the same path; for the same
 * (path, method) the first definition wins.
 */
export class RouteTable<T> {
  private constructor(private readonly router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>) {}

  static build<T>(
    definitions: readonly RouteDefinition<T>[],
    onRejected: (rejected: RejectedRoute<T>) => void = () => undefined,
  ): RouteTable<T> {
    const router = FindMyWay({
      caseSensitive: true,
      ignoreTrailingSlash: false,
      ignoreDuplicateSlashes: false,
      maxParamLength: 1024,
    });
    const byPath = new Map<string, Map<string, RouteDefinition<T>>>();
    for (const definition of definitions) {
      const methods = byPath.get(definition.path) ?? new Map<string, RouteDefinition<T>>();
      byPath.set(definition.path, methods);
      if (methods.has(definition.method))
        onRejected({ definition, reason: `duplicate of an earlier ${definition.method} ${definition.path}` });
      else methods.set(definition.method, definition);
    }
    for (const [path, methods] of byPath) RouteTable.register(router, path, methods, onRejected);
    router.compile();
    return new RouteTable(router);
  }

  private static register<T>(
    router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>,
    path: string,
    methods: Map<string, RouteDefinition<T>>,
    onRejected: (rejected: RejectedRoute<T>) => void,
  ): void {
    const routerPath = path.replace(/:/g, '::');
    const handler = (): void => undefined;
    const registered: HTTPMethod[] = [];
    try {
      for (const [method, definition] of methods) {
        const entry: Entry<T> = {
          hit: { kind: 'found', target: definition.target },
          disabled: definition.disabled,
        };
        const on: HTTPMethod[] =
          method === ANY_METHOD ? ALL_METHODS.filter((m) => !methods.has(m)) : [method as HTTPMethod];
        router.on(on, routerPath, handler, entry);
        registered.push(...on);
      }
      const probe =
        methods.keys().next().value === ANY_METHOD ? 'GET' : (methods.keys().next().value as HTTPMethod);
      if (router.find(probe, encodeURI(path)) === null) throw new Error('its own URL does not resolve to it');
    } catch (err) {
      if (registered.length > 0) router.off(registered, routerPath);
      const reason = `route cannot be served: ${err instanceof Error ? err.message : String(err)}`;
      for (const definition of methods.values()) onRejected({ definition, reason });
    }
  }

  /** Looks up a request. `path` is the URL path as received (percent-encoded, no query string). */
  match(method: string, path: string): RouteMatch<T> {
    const found = this.router.find(method as HTTPMethod, path);
    if (found !== null) {
      const entry = found.store as Entry<T>;
      return entry.disabled ? NOT_FOUND : entry.hit;
    }
    const allow: string[] = [];
    for (const candidate of ALLOWABLE_METHODS) {
      if (candidate === method) continue;
      const other = this.router.find(candidate, path);
      if (other !== null && !(other.store as Entry<T>).disabled) allow.push(candidate);
    }
    return allow.length > 0 ? { kind: 'method-not-allowed', allow } : NOT_FOUND;
  }
}
