/** What `createModuleLoader` needs from the runtime. */
export interface ModuleLoaderDeps {
  /** A synchronous call into the sandbox host (`GuestMessage.SyncCall`); throws its error. */
  call: (op: string, args: unknown[]) => unknown;
  /** Global (indirect) eval. */
  evaluate: (source: string) => unknown;
  jsonParse: (text: string) => unknown;
  bytesToBase64: (bytes: Uint8Array) => string;
  /** Digests `crypto.createHash` offers (guest-crypto.constants.ts). */
  hashes: readonly string[];
}

export interface ModuleLoader {
  /** `require` as a function sees it. */
  require: (request: unknown) => unknown;
  /** Makes `Buffer` a global that loads the buffer module on first read. */
  installBufferGlobal: (global: Record<string, unknown>) => void;
}

/**
 * The guest's CommonJS `require` (issue #5 item 2, reference §1.5). The sandbox host resolves every
 * request and answers with a module id and its source (host/module-calls.ts): the app's npm
 * dependencies, the browser builds of the pure Node built-ins, or `node:crypto`, a shim built here
 * over the host's hashing. Modules are evaluated once per app-version context and cached by id, as
 * Node caches them per process: concurrent invocations of one app share module state (one context
 * serves one app only, so nothing is shared between apps).
 *
 * GUEST CODE: serialized with `Function.prototype.toString` and evaluated inside the isolate, so it
 * references nothing outside its body.
 */
export function createModuleLoader(deps: ModuleLoaderDeps): ModuleLoader {
  'use strict';
  type Module = { id: string; exports: unknown; loaded: boolean; filename: string };
  type Resolved = { id: string; source?: string };
  type BufferClass = {
    from(data: unknown, encoding?: string): Uint8Array & { toString(encoding?: string): string };
    concat(list: Uint8Array[]): Uint8Array;
    isBuffer(value: unknown): boolean;
  };
  const { call, evaluate, jsonParse, bytesToBase64, hashes } = deps;
  const modules = new Map<string, Module>();
  /** `from + "\0" + request` → the id it resolved to, so a repeated `require` stays in the isolate. */
  const resolutions = new Map<string, string>();

  function requireFrom(from: string | null, request: unknown): unknown {
    if (typeof request !== 'string') throw new TypeError('The "id" argument must be of type string');
    const key = `${from ?? ''}\0${request}`;
    const known = resolutions.get(key);
    const cachedModule = known === undefined ? undefined : modules.get(known);
    if (cachedModule !== undefined) return cachedModule.exports;
    const resolved = call('require', [from, request]) as Resolved;
    resolutions.set(key, resolved.id);
    const existing = modules.get(resolved.id);
    if (existing !== undefined) return existing.exports;
    return instantiate(resolved);
  }

  function instantiate({ id, source }: Resolved): unknown {
    const space = id.slice(0, id.indexOf(':'));
    const path = id.slice(id.indexOf(':') + 1).replace(/[^\w@./+-]/g, '_');
    const filename = space === 'app' ? `/node_modules/${path}` : `/portico/builtins/${path}`;
    const module: Module = { id, exports: {}, loaded: false, filename };
    // Registered before evaluation, so a require cycle gets the partial exports, as in Node.
    modules.set(id, module);
    try {
      if (id === 'node:crypto') module.exports = cryptoShim();
      else if (typeof source !== 'string') throw new Error(`Cannot load module '${id}'`);
      else if (path.endsWith('.json')) module.exports = jsonParse(source);
      else {
        const dirname = filename.slice(0, filename.lastIndexOf('/'));
        const wrapper = evaluate(
          `(function (exports, require, module, __filename, __dirname, process, global) {${source}\n})\n//# sourceURL=${filename}`,
        ) as (...args: unknown[]) => unknown;
        wrapper.call(
          module.exports,
          module.exports,
          requireIn(id),
          module,
          filename,
          dirname,
          processShim(),
          globalThis,
        );
      }
    } catch (e) {
      modules.delete(id);
      throw e;
    }
    module.loaded = true;
    return module.exports;
  }

  function requireIn(from: string | null): (request: unknown) => unknown {
    const req = (request: unknown) => requireFrom(from, request);
    req.resolve = (request: unknown) => {
      if (typeof request !== 'string') throw new TypeError('The "id" argument must be of type string');
      const resolved = call('require', [from, request]) as Resolved;
      return resolved.id;
    };
    return req;
  }

  /**
   * What modules see as `process` and `global` (module scope only: neither is a global, so function
   * code still has no `process`). Browser builds and many npm packages read `process.env`,
   * `process.nextTick` or `process.cwd()`; nothing here reaches the host.
   */
  let shim: Record<string, unknown> | undefined;
  const processShim = (): Record<string, unknown> =>
    (shim ??= {
      env: {},
      argv: [],
      version: 'v10.18.1',
      versions: {},
      platform: 'linux',
      cwd: () => '/',
      nextTick: (fn: (...args: unknown[]) => void, ...args: unknown[]) =>
        void Promise.resolve().then(() => fn(...args)),
      emitWarning: () => undefined,
    });

  const bufferClass = (): BufferClass => (requireFrom(null, 'buffer') as { Buffer: BufferClass }).Buffer;

  /** `require('crypto')`: hashing, HMAC and random bytes through the host; nothing else. */
  function cryptoShim(): unknown {
    const Buffer = bufferClass();
    const bytesOf = (data: unknown, encoding: unknown): Uint8Array => {
      if (typeof data === 'string')
        return Buffer.from(data, typeof encoding === 'string' ? encoding : 'utf8');
      if (data instanceof Uint8Array) return data;
      if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (data instanceof ArrayBuffer) return new Uint8Array(data);
      throw new TypeError('The "data" argument must be a string, Buffer, TypedArray or DataView');
    };
    const output = (base64: string, encoding: unknown): unknown => {
      const out = Buffer.from(base64, 'base64');
      if (encoding === undefined || encoding === 'buffer') return out;
      if (typeof encoding !== 'string') throw new TypeError('The "encoding" argument must be a string');
      return out.toString(encoding);
    };
    const digestName = (algorithm: unknown): string => {
      const name = String(algorithm).toLowerCase().replace(/^rsa-/, '');
      if (!hashes.includes(name)) throw new Error(`Digest method not supported: ${String(algorithm)}`);
      return name;
    };
    class Digest {
      #chunks: Uint8Array[] = [];
      #done = false;
      constructor(
        private readonly op: string,
        private readonly algorithm: string,
        private readonly key: Uint8Array | undefined,
      ) {}
      update(data: unknown, encoding?: unknown): this {
        if (this.#done) throw new Error('Digest already called');
        this.#chunks.push(bytesOf(data, encoding));
        return this;
      }
      digest(encoding?: unknown): unknown {
        if (this.#done) throw new Error('Digest already called');
        this.#done = true;
        const data = { b64: bytesToBase64(Buffer.concat(this.#chunks)) };
        const args =
          this.key === undefined
            ? [this.algorithm, data]
            : [this.algorithm, { b64: bytesToBase64(this.key) }, data];
        return output(call(this.op, args) as string, encoding);
      }
      copy(): Digest {
        const copy = new Digest(this.op, this.algorithm, this.key);
        for (const chunk of this.#chunks) copy.update(chunk);
        return copy;
      }
    }
    const randomBytes = (size: unknown, callback?: (error: null, bytes: Uint8Array) => void): unknown => {
      const bytes = Buffer.from(call('node.crypto.randomBytes', [size]), 'base64');
      if (typeof callback !== 'function') return bytes;
      void Promise.resolve().then(() => callback(null, bytes));
      return undefined;
    };
    const unavailable = (name: string) => () => {
      throw new Error(
        `crypto.${name} is not available in Portico functions (hashing, HMAC and random bytes only; see utils.crypto)`,
      );
    };
    return Object.freeze({
      createHash: (algorithm: unknown) => new Digest('node.crypto.hash', digestName(algorithm), undefined),
      createHmac: (algorithm: unknown, key: unknown) =>
        new Digest('node.crypto.hmac', digestName(algorithm), bytesOf(key, 'utf8')),
      randomBytes,
      pseudoRandomBytes: randomBytes,
      randomUUID: (): string => {
        const b = randomBytes(16) as Uint8Array;
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let hex = '';
        for (let i = 0; i < 16; i++) hex += (b[i] < 16 ? '0' : '') + b[i].toString(16);
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      },
      timingSafeEqual: (a: unknown, b: unknown): boolean => {
        const x = bytesOf(a, undefined);
        const y = bytesOf(b, undefined);
        if (x.byteLength !== y.byteLength)
          throw new RangeError('Input buffers must have the same byte length');
        let diff = 0;
        for (let i = 0; i < x.byteLength; i++) diff |= x[i] ^ y[i];
        return diff === 0;
      },
      getHashes: (): string[] => hashes.slice(),
      createCipheriv: unavailable('createCipheriv'),
      createDecipheriv: unavailable('createDecipheriv'),
      createSign: unavailable('createSign'),
      createVerify: unavailable('createVerify'),
      pbkdf2: unavailable('pbkdf2'),
      pbkdf2Sync: unavailable('pbkdf2Sync'),
      scryptSync: unavailable('scryptSync'),
      generateKeyPairSync: unavailable('generateKeyPairSync'),
    });
  }

  return {
    require: requireIn(null),
    installBufferGlobal(global: Record<string, unknown>): void {
      const define = (value: unknown) =>
        Object.defineProperty(global, 'Buffer', {
          value,
          writable: true,
          configurable: true,
          enumerable: false,
        });
      // Lazy: the buffer module is fetched and evaluated only by functions that use `Buffer`.
      Object.defineProperty(global, 'Buffer', {
        get() {
          const Buffer = bufferClass();
          define(Buffer);
          return Buffer;
        },
        set: define,
        configurable: true,
        enumerable: false,
      });
    },
  };
}
