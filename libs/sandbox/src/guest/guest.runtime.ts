import type { GuestLimits } from './guest-limits.constants';
import type {
  GuestBridgeFn,
  GuestDispatchFn,
  GuestJobCore,
  GuestJobDetail,
  GuestMessages,
} from './guest-message.constants';
import type { createModuleLoader } from './module-loader.runtime';
import type { GuestTextCodec } from './text-codec.runtime';
import type { createGuestUtils } from './utils.runtime';

/** Helpers built in the isolate before the runtime (see guest-script.ts). */
export interface GuestLib {
  codec: GuestTextCodec;
  renderJson: (value: unknown) => string | undefined;
  /** The fixed per-invocation caps (guest-limits.constants.ts). */
  limits: GuestLimits;
  /** The line that replaces console output past the caps. */
  truncated: string;
  /** `utils` (utils.runtime.ts). */
  createGuestUtils: typeof createGuestUtils;
  /** `require` and `Buffer` (module-loader.runtime.ts). */
  createModuleLoader: typeof createModuleLoader;
  /** Digests `require('crypto')` offers. */
  hashes: readonly string[];
}

/**
 * The guest runtime: everything tenant code sees (reference §2: `request`, `response`, `context`,
 * `console`, `EJSON`, `BSON`) and the rules that turn a function's outcome into an HTTP answer.
 * Shared by every engine: an engine evaluates it once per app-version context, passing the one
 * bridge function, the bundle as JSON, the helpers and the message kinds; it returns `dispatch`.
 *
 * GUEST CODE: serialized with `Function.prototype.toString` and evaluated inside the isolate, so it
 * references nothing outside its body (the imports above are types only, erased at compile time).
 * Several invocations of one app run concurrently in one context, so nothing per invocation lives in
 * a global: each gets its own `context`, `console`, `request` and `response`, passed to the function
 * wrapper as arguments.
 */
export function guestRuntime(
  bridge: GuestBridgeFn,
  bundleJson: string,
  lib: GuestLib,
  M: GuestMessages,
): GuestDispatchFn {
  'use strict';
  type Dict = Record<string, unknown>;
  interface Bundle {
    appId: string;
    appName: string;
    created_at: string;
    functions: Record<
      string,
      {
        source: string;
        private: boolean;
        run_as_system?: boolean;
        run_as_user_id?: string;
        run_as_user_id_script_source?: string;
      }
    >;
    values: Dict;
    environment: { tag: string; values: Dict };
    services: string[];
    /** The pool fills `max_response_bytes` with its default before loading (sandbox-bundle.ts). */
    limits: { max_response_bytes?: number };
  }
  interface BinaryLike {
    buffer: Uint8Array;
    position: number;
    toString(encoding?: string): string;
  }
  interface BinaryClass {
    new (bytes: Uint8Array, subType?: number): BinaryLike;
    prototype: BinaryLike & Dict;
    createFromHexString(hex: string, subType?: number): BinaryLike;
    fromBase64?: unknown;
    fromHex?: unknown;
  }
  interface EjsonApi {
    stringify(value: unknown, options?: { relaxed?: boolean }): string;
    parse(text: string, options?: { relaxed?: boolean }): unknown;
  }
  type Wrapper = (context: unknown, console: unknown, require: unknown) => unknown;
  /** Who a function runs as (reference §3.1). */
  type Principal = { user: Dict; system: boolean };
  type Compiled = { wrapper: Wrapper } | { error: unknown };
  type Settle = { resolve: (value: unknown) => void; reject: (reason: unknown) => void };

  const MAX_LOG_LINES = lib.limits.maxLogLines;
  const MAX_LOG_BYTES = lib.limits.maxLogBytes;
  const MAX_PENDING_CALLS = lib.limits.maxPendingCalls;
  const TRUNCATED = lib.truncated;

  const g = globalThis as unknown as Dict;
  const BSON = g.BSON as { Binary: BinaryClass; EJSON: EjsonApi };
  const EJSON = BSON.EJSON;
  // Captured now so a tenant replacing globals cannot change how the runtime reads jobs or writes results.
  const jsonParse = JSON.parse;
  const jsonStringify = JSON.stringify;
  const ejsonStringify = EJSON.stringify.bind(EJSON);
  const ejsonParse = EJSON.parse.bind(EJSON);
  const indirectEval = g.eval as (source: string) => unknown;
  const keysOf = Object.keys;
  const hasOwn = (target: object, key: string): boolean => Object.prototype.hasOwnProperty.call(target, key);
  const { codec, renderJson } = lib;
  Object.defineProperty(g, 'EJSON', { value: EJSON, writable: true, configurable: true, enumerable: false });

  // Atlas additions to BSON.Binary (reference §2.2, §2.7).
  const Binary = BSON.Binary;
  const binaryBytes = (b: BinaryLike): Uint8Array => b.buffer.subarray(0, b.position);
  Object.defineProperties(Binary.prototype, {
    text: {
      value: function text(this: BinaryLike) {
        return codec.decodeUtf8(binaryBytes(this));
      },
      writable: true,
      configurable: true,
    },
    toBase64: {
      value: function toBase64(this: BinaryLike) {
        return codec.bytesToBase64(binaryBytes(this));
      },
      writable: true,
      configurable: true,
    },
    toHex: {
      value: function toHex(this: BinaryLike) {
        return this.toString('hex');
      },
      writable: true,
      configurable: true,
    },
  });
  Binary.fromBase64 = (base64: string, subType?: number) =>
    new Binary(codec.base64ToBytes(String(base64)), subType);
  Binary.fromHex = (hex: string, subType?: number) => Binary.createFromHexString(String(hex), subType);

  /** A synchronous call answered by the sandbox host (`GuestMessage.SyncCall`); throws its error. */
  function syncCall(op: string, args: unknown[]): unknown {
    const reply = bridge(M.SyncCall, 0, 0, op, jsonStringify(args));
    if (typeof reply !== 'string' || reply.length === 0)
      throw new Error(`${op}: the sandbox host did not answer`);
    if (reply[0] === '1') return jsonParse(reply.slice(1));
    throw new Error(reply.slice(1));
  }
  /** Bytes for a sync call: strings go as text (UTF-8), binary values as base64. */
  function syncBytes(value: unknown, what: string): string | { b64: string } {
    if (typeof value === 'string') return value;
    if (value !== null && typeof value === 'object' && (value as Dict)._bsontype === 'Binary')
      return { b64: codec.bytesToBase64(binaryBytes(value as BinaryLike)) };
    if (value instanceof Uint8Array) return { b64: codec.bytesToBase64(value) };
    if (ArrayBuffer.isView(value))
      return { b64: codec.bytesToBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
    if (value instanceof ArrayBuffer) return { b64: codec.bytesToBase64(new Uint8Array(value)) };
    throw new TypeError(`${what} must be a string or a BSON.Binary`);
  }
  const utils = lib.createGuestUtils({
    call: syncCall,
    toBytes: syncBytes,
    binaryFromBase64: (base64) => new Binary(codec.base64ToBytes(base64)),
    ejsonParse: (text, options) => ejsonParse(text, options),
    jsonParse,
    jsonStringify: (value) => jsonStringify(value),
  });
  Object.defineProperty(g, 'utils', { value: utils, writable: true, configurable: true, enumerable: false });
  const modules = lib.createModuleLoader({
    call: syncCall,
    evaluate: (source) => indirectEval(source),
    jsonParse,
    bytesToBase64: (bytes) => codec.bytesToBase64(bytes),
    hashes: lib.hashes,
  });
  modules.installBufferGlobal(g);
  const SYSTEM_USER = '{"id":"system","type":"system","data":{},"custom_data":{},"identities":[]}';
  const systemPrincipal = (): Principal => ({ user: jsonParse(SYSTEM_USER) as Dict, system: true });
  const userPrincipal = (id: string): Principal => ({
    user: { id, type: 'normal', data: {}, custom_data: {}, identities: [] },
    system: false,
  });

  const bundle = jsonParse(bundleJson) as Bundle;
  const maxResponse = bundle.limits?.max_response_bytes;
  const MAX_RESPONSE_BYTES = typeof maxResponse === 'number' ? maxResponse : Infinity;
  // Values and environment are handed out as fresh copies, so one invocation's mutation never leaks.
  const valueJson = new Map<string, string>();
  for (const name of Object.keys(bundle.values)) {
    const v = bundle.values[name];
    if (v !== undefined) valueJson.set(name, jsonStringify(v));
  }
  const environmentJson = jsonStringify(bundle.environment ?? { tag: '', values: {} });
  const appJson = jsonStringify({
    id: bundle.appId,
    clientAppId: bundle.appId,
    name: bundle.appName,
    projectId: '',
    deployment: { model: 'LOCAL', providerRegion: 'local' },
    lastDeployed: bundle.created_at,
  });
  const services = new Set(bundle.services);
  const compiled = new Map<string, Compiled>();
  const invocations = new Map<number, Invocation>();

  const values = Object.freeze({
    get(name: unknown): unknown {
      const json = valueJson.get(String(name));
      return json === undefined ? undefined : jsonParse(json);
    },
  });

  /**
   * Compiles a function's source (or, with `script`, its `run_as_user_id_script_source`) once per
   * context; a syntax error is remembered and rethrown.
   */
  function compile(name: string, script = false): Wrapper {
    const key = script ? `\0run_as/${name}` : name;
    let entry = compiled.get(key);
    if (entry === undefined) {
      if (!hasOwn(bundle.functions, name)) throw new Error(`function not found: '${name}'`);
      const fn = bundle.functions[name];
      const source = script ? (fn.run_as_user_id_script_source ?? '') : fn.source;
      // One line of prelude, so the tenant's line numbers stay right in stack traces.
      const wrapped =
        '(function (context, console, require) { var exports, module = { exports: undefined }; ' +
        source +
        '\n;return exports !== undefined ? exports : module.exports; })\n//# sourceURL=functions/' +
        name.replace(/[^\w@./+-]/g, '_') +
        (script ? '.run_as_user_id_script.js' : '.js');
      try {
        entry = { wrapper: indirectEval(wrapped) as Wrapper };
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        const error = new SyntaxError(`${message} in function '${name}'`);
        entry = { error };
      }
      compiled.set(key, entry);
    }
    if ('error' in entry) throw entry.error;
    return entry.wrapper;
  }

  function isThenable(value: unknown): value is PromiseLike<unknown> {
    return (
      value !== null &&
      (typeof value === 'object' || typeof value === 'function') &&
      typeof (value as Dict).then === 'function'
    );
  }

  function describeError(e: unknown): string {
    try {
      if (e instanceof Error || (e !== null && typeof e === 'object' && 'message' in e && 'name' in e)) {
        return `{"message":${quote(String(e.message))},"name":${quote(String(e.name))}}`;
      }
      return String(e);
    } catch {
      return 'uncaught exception';
    }
  }

  /**
   * A JSON string literal. `JSON.stringify` of a primitive string consults no `toJSON` and no
   * prototype, so the runtime's own output does not depend on what tenant code did to them.
   */
  function quote(s: string): string {
    return jsonStringify(s);
  }

  function quoteList(list: readonly string[]): string {
    let out = '[';
    for (let i = 0; i < list.length; i++) out += (i > 0 ? ',' : '') + quote(list[i]);
    return out + ']';
  }

  /**
   * The `Done` head (`GuestResultHead`), written by hand rather than with `JSON.stringify` of an
   * object: tenant code shares this context and may poison `Object.prototype.toJSON` or `Object.keys`,
   * which would forge or overflow the runtime's own output (escape suite finding).
   */
  function encodeHead(
    result: { s: number; h: Record<string, string[]> } | { e: { code: string; message: string } },
    logs: readonly string[],
  ): string {
    if ('e' in result) {
      const { code, message } = result.e;
      return `{"e":{"code":${quote(code)},"message":${quote(message)}},"l":${quoteList(logs)}}`;
    }
    let headers = '{';
    const names = keysOf(result.h);
    for (let i = 0; i < names.length; i++)
      headers += (i > 0 ? ',' : '') + quote(names[i]) + ':' + quoteList(result.h[names[i]]);
    return `{"s":${result.s},"h":${headers}},"l":${quoteList(logs)}}`;
  }

  /** Whether a body is over the app's `max_response_bytes` (a string counted as UTF-8). */
  function tooLarge(body: string | Uint8Array | undefined): boolean {
    if (body === undefined) return false;
    if (typeof body !== 'string') return body.byteLength > MAX_RESPONSE_BYTES;
    // Each UTF-16 unit is 1 to 3 bytes: count only when the bounds do not decide.
    if (body.length > MAX_RESPONSE_BYTES) return true;
    if (body.length * 3 <= MAX_RESPONSE_BYTES) return false;
    return utf8Length(body) > MAX_RESPONSE_BYTES;
  }

  /** UTF-8 byte length without encoding: 1, 2 or 3 bytes per UTF-16 unit (a surrogate pair is 4). */
  function utf8Length(s: string): number {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      n += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
    }
    return n;
  }

  function formatLogArg(arg: unknown): string {
    if (typeof arg === 'string') return arg;
    try {
      if (arg instanceof Error) return String(arg);
      if (
        arg === undefined ||
        typeof arg === 'function' ||
        typeof arg === 'symbol' ||
        typeof arg === 'bigint'
      )
        return String(arg);
      return ejsonStringify(arg, { relaxed: true });
    } catch {
      try {
        return String(arg);
      } catch {
        return '[unprintable]';
      }
    }
  }

  function findHeader(headers: Record<string, string[]>, name: string): string | undefined {
    const lower = name.toLowerCase();
    for (const key of keysOf(headers)) if (key.toLowerCase() === lower) return key;
    return undefined;
  }

  /** One invocation's state: its logs, pending host calls and response. */
  class Invocation {
    readonly logs: string[] = [];
    logBytes = 0;
    truncated = false;
    done = false;
    seq = 0;
    readonly pending = new Map<number, Settle>();
    readonly response = new GuestResponse();
    readonly console: Dict;
    readonly context: GuestContext;
    #detailJson: string;
    #detail: GuestJobDetail | undefined = undefined;
    /** Set when a run-as script decided who the invocation runs as (reference §3.1). */
    decided: Principal | undefined = undefined;
    constructor(
      readonly id: number,
      readonly job: GuestJobCore,
      detailJson: string,
    ) {
      this.#detailJson = detailJson;
      const log =
        (level: string) =>
        (...args: unknown[]) =>
          this.log(level, args);
      this.console = {
        log: log('log'),
        info: log('info'),
        warn: log('warn'),
        error: log('error'),
        debug: log('debug'),
      };
      this.context = new GuestContext(this);
    }

    get detail(): GuestJobDetail {
      return (this.#detail ??= jsonParse(this.#detailJson) as GuestJobDetail);
    }

    get user(): Dict {
      return this.decided !== undefined ? this.decided.user : this.detail.user;
    }

    get system(): boolean {
      return this.decided !== undefined ? this.decided.system : Boolean(this.job.sys);
    }

    log(level: string, args: unknown[]): void {
      if (this.truncated) return;
      let text = '';
      for (let i = 0; i < args.length; i++) text += (i > 0 ? ' ' : '') + formatLogArg(args[i]);
      const line = `${level}: ${text}`;
      const bytes = utf8Length(line);
      if (this.logs.length >= MAX_LOG_LINES || this.logBytes + bytes > MAX_LOG_BYTES) {
        this.truncated = true;
        this.logs.push(TRUNCATED);
        return;
      }
      this.logs.push(line);
      this.logBytes += bytes;
    }

    /** A call out to the platform, by value (canonical EJSON), tagged with this invocation. */
    call(op: string, args: unknown[]): Promise<unknown> {
      if (this.done) return Promise.reject(new Error('the invocation has already finished'));
      if (this.pending.size >= MAX_PENDING_CALLS) {
        return Promise.reject(new Error(`exceeded max async work queue size of ${MAX_PENDING_CALLS}`));
      }
      let payload: string;
      try {
        payload = ejsonStringify(args, { relaxed: false });
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
      const callId = ++this.seq;
      return new Promise((resolve, reject) => {
        this.pending.set(callId, { resolve, reject });
        bridge(M.HostCall, this.id, callId, op, payload);
      });
    }

    /**
     * The exported function `name` (or its run-as script), instantiated with this invocation's
     * console and `context` (or another context, for a callee with a run mode of its own).
     */
    load(
      name: string,
      context: GuestContext = this.context,
      script = false,
    ): (...args: unknown[]) => unknown {
      const exported = compile(name, script)(context, this.console, modules.require);
      if (typeof exported !== 'function')
        throw new TypeError(`function '${name}' does not export a function`);
      return exported as (...args: unknown[]) => unknown;
    }
  }

  /** `response` (reference §2.3): setters return the response, so calls chain. */
  class GuestResponse {
    #status: number | undefined = undefined;
    #headers: Record<string, string[]> = {};
    #body: string | Uint8Array | undefined = undefined;
    #bodySet = false;

    static read(r: GuestResponse) {
      return { status: r.#status, headers: r.#headers, body: r.#body, bodySet: r.#bodySet };
    }

    setStatusCode(code: unknown): this {
      const n = Number(code);
      if (!Number.isInteger(n) || n < 100 || n > 599)
        throw new TypeError(`invalid status code: ${String(code)}`);
      this.#status = n;
      return this;
    }

    setBody(body: unknown): this {
      if (body === undefined || body === null) this.#body = '';
      else if (typeof body === 'string') this.#body = body;
      else if (typeof body === 'object' && (body as Dict)._bsontype === 'Binary')
        this.#body = binaryBytes(body as BinaryLike).slice();
      else if (body instanceof Uint8Array) this.#body = body.slice();
      else if (body instanceof ArrayBuffer) this.#body = new Uint8Array(body.slice(0));
      else if (typeof body === 'number' || typeof body === 'boolean') this.#body = String(body);
      else throw new TypeError('response.setBody expects a string or a BSON.Binary');
      this.#bodySet = true;
      return this;
    }

    setHeader(name: unknown, value: unknown): this {
      const key = String(name);
      const existing = findHeader(this.#headers, key);
      if (existing !== undefined) delete this.#headers[existing];
      this.#headers[key] = [String(value)];
      return this;
    }

    addHeader(name: unknown, value: unknown): this {
      const key = String(name);
      const existing = findHeader(this.#headers, key);
      if (existing === undefined) this.#headers[key] = [String(value)];
      else this.#headers[existing].push(String(value));
      return this;
    }
  }

  /** A query whose host call runs on first read; thenable, so returning or awaiting it gives the array. */
  class GuestCursor {
    #run: (options: Dict) => Promise<unknown>;
    #options: Dict;
    #result: Promise<unknown[]> | undefined = undefined;
    #index = 0;
    constructor(run: (options: Dict) => Promise<unknown>, options: unknown) {
      this.#run = run;
      this.#options = options !== null && typeof options === 'object' ? { ...(options as Dict) } : {};
    }
    sort(sort: unknown): this {
      this.#options.sort = sort;
      return this;
    }
    skip(n: unknown): this {
      this.#options.skip = n;
      return this;
    }
    limit(n: unknown): this {
      this.#options.limit = n;
      return this;
    }
    #fetch(): Promise<unknown[]> {
      this.#result ??= this.#run(this.#options).then((docs) => {
        if (!Array.isArray(docs)) throw new TypeError('cursor result is not an array');
        return docs as unknown[];
      });
      return this.#result;
    }
    toArray(): Promise<unknown[]> {
      return this.#fetch().then((docs) => docs.slice(this.#index));
    }
    next(): Promise<unknown> {
      return this.#fetch().then((docs) => (this.#index < docs.length ? docs[this.#index++] : null));
    }
    hasNext(): Promise<boolean> {
      return this.#fetch().then((docs) => this.#index < docs.length);
    }
    then<T1 = unknown[], T2 = never>(
      onFulfilled?: (docs: unknown[]) => T1 | PromiseLike<T1>,
      onRejected?: (reason: unknown) => T2 | PromiseLike<T2>,
    ): Promise<T1 | T2> {
      return this.toArray().then(onFulfilled, onRejected);
    }
  }

  /** The collection subset of reference §2.8, each method one host call `mongodb.<method>`. */
  class GuestCollection {
    #inv: Invocation;
    #prefix: unknown[];
    constructor(inv: Invocation, service: string, db: string, name: string) {
      this.#inv = inv;
      this.#prefix = [service, db, name];
    }
    #call(method: string, args: unknown[]): Promise<unknown> {
      let n = args.length;
      while (n > 0 && args[n - 1] === undefined) n--;
      const list = this.#prefix.slice();
      for (let i = 0; i < n; i++) list.push(args[i] === undefined ? null : args[i]);
      return this.#inv.call(`mongodb.${method}`, list);
    }
    find(query?: unknown, projection?: unknown, options?: unknown): GuestCursor {
      return new GuestCursor((o) => this.#call('find', [query ?? {}, projection ?? null, o]), options);
    }
    aggregate(pipeline?: unknown, options?: unknown): GuestCursor {
      return new GuestCursor((o) => this.#call('aggregate', [pipeline ?? [], o]), options);
    }
    findOne(query?: unknown, projection?: unknown, options?: unknown) {
      return this.#call('findOne', [query ?? {}, projection, options]);
    }
    findOneAndUpdate(filter: unknown, update: unknown, options?: unknown) {
      return this.#call('findOneAndUpdate', [filter, update, options]);
    }
    findOneAndReplace(filter: unknown, replacement: unknown, options?: unknown) {
      return this.#call('findOneAndReplace', [filter, replacement, options]);
    }
    findOneAndDelete(filter: unknown, options?: unknown) {
      return this.#call('findOneAndDelete', [filter, options]);
    }
    insertOne(document: unknown, options?: unknown) {
      return this.#call('insertOne', [document, options]);
    }
    insertMany(documents: unknown, options?: unknown) {
      return this.#call('insertMany', [documents, options]);
    }
    updateOne(filter: unknown, update: unknown, options?: unknown) {
      return this.#call('updateOne', [filter, update, options]);
    }
    updateMany(filter: unknown, update: unknown, options?: unknown) {
      return this.#call('updateMany', [filter, update, options]);
    }
    replaceOne(filter: unknown, replacement: unknown, options?: unknown) {
      return this.#call('replaceOne', [filter, replacement, options]);
    }
    deleteOne(filter: unknown, options?: unknown) {
      return this.#call('deleteOne', [filter, options]);
    }
    deleteMany(filter: unknown, options?: unknown) {
      return this.#call('deleteMany', [filter, options]);
    }
    count(query?: unknown, options?: unknown) {
      return this.#call('count', [query ?? {}, options]);
    }
    countDocuments(query?: unknown, options?: unknown) {
      return this.#call('countDocuments', [query ?? {}, options]);
    }
    distinct(field: unknown, query?: unknown, options?: unknown) {
      return this.#call('distinct', [field, query ?? {}, options]);
    }
    bulkWrite(operations: unknown, options?: unknown) {
      return this.#call('bulkWrite', [operations, options]);
    }
  }

  function serviceClient(inv: Invocation, service: string) {
    return {
      db(dbName: unknown) {
        const db = String(dbName);
        return {
          collection: (name: unknown) => new GuestCollection(inv, service, db, String(name)),
          getCollectionNames: () => inv.call('mongodb.getCollectionNames', [service, db]),
        };
      },
      admin() {
        return { getDBNames: () => inv.call('mongodb.getDBNames', [service]) };
      },
    };
  }

  /**
   * `context.http` (reference §2.6): each method is one host call `http.request` with
   * `[METHOD, args]` by value; the request is made by the worker under the app's egress policy.
   */
  function httpClient(inv: Invocation) {
    const request = (method: string) => (args: unknown) => {
      if (args === null || typeof args !== 'object' || Array.isArray(args))
        return Promise.reject(
          new TypeError(`context.http.${method.toLowerCase()} expects an object argument`),
        );
      return inv.call('http.request', [method, args]);
    };
    return Object.freeze({
      get: request('GET'),
      post: request('POST'),
      put: request('PUT'),
      patch: request('PATCH'),
      delete: request('DELETE'),
      head: request('HEAD'),
    });
  }

  /** `context` (reference §2.6). Parts are built on first use: most functions touch few of them. */
  class GuestContext {
    #inv: Invocation;
    #request: Dict | undefined = undefined;
    #environment: unknown = undefined;
    #app: unknown = undefined;
    #functions: Dict | undefined = undefined;
    #services: Dict | undefined = undefined;
    #http: Dict | undefined = undefined;
    #as: Principal | undefined;
    readonly runningAsSystem: () => boolean;
    /** `as`: the principal of a callee with its own run mode; otherwise the invocation's. */
    constructor(inv: Invocation, as?: Principal) {
      this.#inv = inv;
      this.#as = as;
      this.runningAsSystem = () => (as !== undefined ? as.system : inv.system);
    }
    get values() {
      return values;
    }
    get user(): Dict {
      return this.#as !== undefined ? this.#as.user : this.#inv.user;
    }
    get environment(): unknown {
      return (this.#environment ??= jsonParse(environmentJson) as unknown);
    }
    get app(): unknown {
      return (this.#app ??= jsonParse(appJson) as unknown);
    }
    get request() {
      if (this.#request === undefined) {
        const { request, endpoint } = this.#inv.detail;
        const headers = this.#inv.job.h;
        const first = (name: string) => {
          const key = findHeader(headers, name);
          return key === undefined ? '' : (headers[key][0] ?? '');
        };
        this.#request = {
          remoteIPAddress: request.remoteIPAddress,
          requestHeaders: headers,
          webhookUrl: endpoint.route,
          httpMethod: request.method,
          rawQueryString: request.rawQueryString,
          httpReferrer: first('Referer'),
          httpUserAgent: first('User-Agent'),
          service: '',
          action: '',
        };
      }
      return this.#request;
    }
    /**
     * `context.functions.execute`: a callee set to run as system or as a fixed user runs so (its run
     * mode is its own, reference §3.1); any other callee runs as its caller, with the caller's context.
     */
    get functions() {
      const inv = this.#inv;
      return (this.#functions ??= Object.freeze({
        execute: (name: unknown, ...args: unknown[]) => {
          const callee = String(name);
          const spec = hasOwn(bundle.functions, callee) ? bundle.functions[callee] : undefined;
          const as =
            spec?.run_as_system === true
              ? systemPrincipal()
              : typeof spec?.run_as_user_id === 'string'
                ? userPrincipal(spec.run_as_user_id)
                : undefined;
          return inv.load(callee, as === undefined ? this : new GuestContext(inv, as))(...args);
        },
      }));
    }
    get http() {
      return (this.#http ??= httpClient(this.#inv));
    }
    get services() {
      const inv = this.#inv;
      return (this.#services ??= Object.freeze({
        get: (name: unknown) => {
          const service = String(name);
          return services.has(service) ? serviceClient(inv, service) : undefined;
        },
      }));
    }
  }

  function send(inv: Invocation, head: string, body?: string | Uint8Array): void {
    inv.done = true;
    invocations.delete(inv.id);
    inv.pending.clear();
    // Finished within its own `dispatch` call: hand the result back as the return value, one
    // boundary crossing less than a bridge call. `head` is JSON, so it holds no raw newline.
    if (inv.id === syncId && typeof body !== 'object') {
      syncResult = body === undefined ? head : `${head}\n${body}`;
      return;
    }
    bridge(M.Done, inv.id, 0, head, body);
  }

  function fail(inv: Invocation, code: string, message: string): void {
    if (inv.done) return;
    send(inv, encodeHead({ e: { code, message } }, inv.logs));
  }

  /** The result rule of reference §2.4 and §7.3–7.5. */
  function complete(inv: Invocation, value: unknown): void {
    if (inv.done) return;
    let head: string;
    let body: string | Uint8Array | undefined;
    try {
      const job = inv.job;
      const state = GuestResponse.read(inv.response);
      const headers = state.headers;
      const json = job.fmt !== 'EJSON';
      const contentType = json ? 'application/json' : 'application/ejson';
      // A legacy webhook sends only what the response object was given, once it was used (§2.4).
      const respondResult = job.rr && !(job.wh === 1 && (state.status !== undefined || state.bodySet));
      if (state.bodySet) {
        body = state.body;
        if (findHeader(headers, 'Content-Type') === undefined) headers['Content-Type'] = [contentType];
      } else if (respondResult && value !== undefined && value !== inv.response) {
        body = json ? renderJson(value) : ejsonStringify(value, { relaxed: false });
        const existing = findHeader(headers, 'Content-Type');
        if (existing !== undefined) delete headers[existing];
        headers['Content-Type'] = [contentType];
      }
      // 204 only when nothing is sent: a body set with setBody under respond_result:false must reach
      // the client (apps return data that way), and a 204 cannot carry one.
      const status = state.status ?? (respondResult || state.bodySet ? 200 : 204);
      head = encodeHead({ s: status, h: headers }, inv.logs);
    } catch (e) {
      fail(inv, 'FunctionExecutionError', describeError(e));
      return;
    }
    if (tooLarge(body)) {
      fail(inv, 'ResponseTooLarge', `response body is larger than ${MAX_RESPONSE_BYTES} bytes`);
      return;
    }
    send(inv, head, body);
  }

  /** Result of the `dispatch` call in progress, when its invocation finishes before it returns. */
  let syncId = 0;
  let syncResult: string | undefined = undefined;
  /** The last `Invoke`'s returned result, kept for one `Collect` (see `GuestMessage.Collect`). */
  let lastId = 0;
  let lastResult: string | undefined = undefined;

  function start(id: number, jobText: string, bytes: Uint8Array | undefined): void {
    let job: GuestJobCore;
    const split = jobText.indexOf('\n');
    try {
      job = jsonParse(split < 0 ? jobText : jobText.slice(0, split)) as GuestJobCore;
    } catch {
      bridge(
        M.Done,
        id,
        0,
        encodeHead({ e: { code: 'InternalServerError', message: 'malformed invocation' } }, []),
      );
      return;
    }
    const inv = new Invocation(id, job, split < 0 ? '{}' : jobText.slice(split + 1));
    invocations.set(id, inv);
    if (!hasOwn(bundle.functions, job.f)) {
      fail(inv, 'FunctionNotFound', `function not found: '${job.f}'`);
      return;
    }
    const body = job.b === null ? undefined : new Binary(bytes ?? new Uint8Array(0));
    const request = { headers: job.h, query: job.q, body };
    // `ud`: the worker ran the script already (so that can_evaluate could see its user).
    if (job.ud !== 1 && typeof bundle.functions[job.f].run_as_user_id_script_source === 'string') {
      decideUser(inv, request);
      return;
    }
    run(inv, request);
  }

  /**
   * Script run mode (reference §3.1): the function's `run_as_user_id_script_source` gets the request
   * first, in the same invocation, running as system (it is the app's own code deciding who the
   * caller is). A non-empty string is the user id, `{ runAsSystem: true }` means system; anything
   * else, or a throw, answers 401 `InvalidSession` (the Atlas answer to credentials that match no
   * user, §3.4) and the reason goes to the invocation log.
   */
  function decideUser(inv: Invocation, request: Dict): void {
    const refuse = (reason: string) => {
      inv.log('error', [`run_as_user_id_script_source: ${reason}`]);
      fail(inv, 'InvalidSession', 'invalid session: error finding user for endpoint');
    };
    const decide = (outcome: unknown) => {
      if (inv.done) return;
      let principal: Principal | undefined;
      try {
        if (typeof outcome === 'string' && outcome !== '') principal = userPrincipal(outcome);
        else if (outcome !== null && typeof outcome === 'object' && (outcome as Dict).runAsSystem === true)
          principal = systemPrincipal();
      } catch (e) {
        refuse(describeError(e));
        return;
      }
      if (principal === undefined) {
        refuse('returned neither a user id nor { runAsSystem: true }');
        return;
      }
      inv.decided = principal;
      run(inv, request);
    };
    let outcome: unknown;
    try {
      outcome = inv.load(inv.job.f, new GuestContext(inv, systemPrincipal()), true)(request);
      if (!isThenable(outcome)) {
        decide(outcome);
        return;
      }
    } catch (e) {
      refuse(describeError(e));
      return;
    }
    Promise.resolve(outcome).then(decide, (e: unknown) => refuse(describeError(e)));
  }

  /** Calls the function and turns its outcome into the result (reference §2.4). */
  function run(inv: Invocation, request: Dict): void {
    let value: unknown;
    try {
      value = inv.load(inv.job.f)(request, inv.response);
    } catch (e) {
      fail(inv, 'FunctionExecutionError', describeError(e));
      return;
    }
    let thenable = false;
    try {
      thenable = isThenable(value);
    } catch (e) {
      fail(inv, 'FunctionExecutionError', describeError(e));
      return;
    }
    if (!thenable) {
      complete(inv, value);
      return;
    }
    Promise.resolve(value).then(
      (v) => complete(inv, v),
      (e: unknown) => fail(inv, 'FunctionExecutionError', describeError(e)),
    );
  }

  function settle(id: number, callId: number, ok: boolean, text: string): void {
    const inv = invocations.get(id);
    const waiter = inv?.pending.get(callId);
    if (inv === undefined || waiter === undefined) return;
    inv.pending.delete(callId);
    if (!ok) {
      waiter.reject(new Error(text));
      return;
    }
    let value: unknown;
    try {
      value = ejsonParse(text, { relaxed: true });
    } catch (e) {
      waiter.reject(e);
      return;
    }
    waiter.resolve(value);
  }

  /**
   * The one entry point. Returns the `Done` text (`head`, or `head + "\n" + body` for a string body)
   * when the invocation it started finished synchronously; otherwise results come through `bridge`.
   */
  return function dispatch(
    kind: number,
    id: number,
    aux: number,
    text: string,
    data?: Uint8Array,
  ): string | undefined {
    if (kind === M.Collect) {
      const kept = lastId === id ? lastResult : undefined;
      lastId = 0;
      lastResult = undefined;
      return kept;
    }
    lastId = 0;
    lastResult = undefined;
    // Never throws: an engine may then take any exception of its call for a late guest error.
    try {
      if (kind === M.Invoke) {
        syncId = id;
        start(id, text, data);
        lastId = id;
        lastResult = syncResult;
        return syncResult;
      }
      if (kind === M.HostReply) settle(id, aux, true, text);
      else if (kind === M.HostError) settle(id, aux, false, text);
    } catch {
      const inv = invocations.get(id);
      if (inv !== undefined) fail(inv, 'InternalServerError', 'sandbox runtime error');
      return syncResult;
    } finally {
      syncId = 0;
      syncResult = undefined;
    }
    return undefined;
  };
}
