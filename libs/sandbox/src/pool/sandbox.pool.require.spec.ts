import { SANDBOX_ENGINES } from '../engine/sandbox-engine.port';
import { createHash, createHmac } from 'node:crypto';
import type { InvocationResult } from '@portico/contracts';
import { bundleOf, jobOf, memoryLogger, noHostCalls, text } from '../testing/sandbox.fixtures';
import { SandboxPool } from './sandbox.pool';

const APP = 'require-abcde';

/** A small `functions/node_modules` as the importer stores it: paths below node_modules. */
const DEPENDENCIES: Record<string, string> = {
  'tiny-greeter/package.json': JSON.stringify({ name: 'tiny-greeter', main: 'lib/greet.js' }),
  'tiny-greeter/lib/greet.js': `
    const shout = require("./shout");
    const { suffix } = require("../data.json");
    const pad = require("left-pad");
    module.exports = function greet(name) { return shout("hello " + name) + suffix + pad("!", 3); };`,
  'tiny-greeter/lib/shout.js': 'module.exports = (s) => s.toUpperCase();',
  'tiny-greeter/data.json': '{"suffix": " :)"}',
  // Its own copy of left-pad (nested) shadows the top-level one, as in Node.
  'tiny-greeter/node_modules/left-pad/index.js':
    'module.exports = (s, n) => "<nested>" + s.padStart(n, "-");',
  'left-pad/index.js': 'module.exports = (s, n) => "<top>" + s.padStart(n, " ");',
  '@acme/ids/package.json': '{"main": "./src"}',
  '@acme/ids/src/index.js': 'exports.id = () => "acme-" + require("@acme/ids/src/counter").next();',
  '@acme/ids/src/counter.js': 'let n = 0; exports.next = () => ++n;',
  'cycle/index.js': 'exports.a = "A"; const b = require("./b"); exports.fromB = b.seenA;',
  'cycle/b.js': 'exports.seenA = require("./index").a;',
  'uses-node/index.js': `
    const { EventEmitter } = require("events"); const path = require("node:path"); const util = require("util");
    const qs = require("querystring"); const url = require("url"); const { StringDecoder } = require("string_decoder");
    const assert = require("assert"); const punycode = require("punycode"); const { Buffer } = require("buffer");
    module.exports = { EventEmitter, path, util, qs, url, StringDecoder, assert, punycode, Buffer };`,
  'sneaky/index.js': 'module.exports = (p) => require(p);',
};

const FUNCTIONS: Record<string, string> = {
  greet: 'exports = ({ query }) => require("tiny-greeter")(query.name);',
  counter: 'exports = () => require("@acme/ids").id();',
  cycle: 'exports = () => require("cycle");',
  builtins: `exports = () => {
    const m = require("uses-node");
    const e = new m.EventEmitter(); let got; e.on("x", (v) => { got = v; }); e.emit("x", 42);
    const parsed = m.url.parse("https://example.com:8080/a/b?x=1#h");
    let assertMessage; try { m.assert.strictEqual(1, 2, "one is not two"); } catch (err) { assertMessage = err.message; }
    return {
      event: got, join: m.path.join("/a/b", "../c", "d.txt"), ext: m.path.extname("x.tar.gz"),
      format: m.util.format("%s=%d", "n", 5), inspect: m.util.inspect({ a: [1, 2] }),
      qs: m.qs.stringify({ a: "1 2", b: ["x", "y"] }), parsedQs: m.qs.parse("a=1&b=2"),
      host: parsed.hostname, port: parsed.port, pathname: parsed.pathname,
      decoded: new m.StringDecoder("utf8").write(m.Buffer.from([0xe2, 0x82, 0xac])),
      assertMessage, puny: m.punycode.toASCII("mañana.com"),
      b64: m.Buffer.from("héllo").toString("base64"), hex: Buffer.from("ab").toString("hex"),
      sameBuffer: Buffer === m.Buffer,
    };
  };`,
  crypto: `exports = ({ query }) => {
    const crypto = require("crypto");
    const h = crypto.createHash("sha256").update("part one, ").update(Buffer.from("part two"));
    const copy = h.copy();
    return {
      sha256: h.digest("hex"), copy: copy.digest("base64"),
      md5: crypto.createHash("MD5").update("abc").digest().toString("hex"),
      hmac: crypto.createHmac("sha512", query.key).update("msg", "utf8").digest("base64"),
      random: crypto.randomBytes(16).length, uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()),
      equal: crypto.timingSafeEqual(Buffer.from("ab"), Buffer.from("ab")),
      viaPrefix: require("node:crypto") === crypto,
    };
  };`,
  tryRequire: `exports = ({ query }) => {
    try { const m = require(query.name); return { loaded: typeof m }; } catch (e) { return { error: e.message }; }
  };`,
  trySneaky: `exports = ({ query }) => {
    try { return { loaded: typeof require("sneaky")(query.name) }; } catch (e) { return { error: e.message }; }
  };`,
  tryCrypto: `exports = ({ query }) => {
    try { return { value: Function('require', 'return ' + query.expr)(require) }; } catch (e) { return { error: e.message }; }
  };`,
};

describe.each(SANDBOX_ENGINES)(
  'SandboxPool require with npm dependencies and pure built-ins (issue #5 item 2) [%s]',
  (engine) => {
    const pool = new SandboxPool({
      engine,
      maxProcesses: 2,
      maxProcessesPerApp: 1,
      logger: memoryLogger(),
    });
    const bundle = bundleOf(APP, FUNCTIONS, { dependencies: { files: DEPENDENCIES } });
    const bare = bundleOf('bare-abcde', { tryRequire: FUNCTIONS.tryRequire });

    const run = (fn: string, query: Record<string, string> = {}, b = bundle): Promise<InvocationResult> =>
      pool.run(b, jobOf(b.appId, fn, {}, { query }), noHostCalls);
    const json = (r: InvocationResult): unknown => {
      if (r.error) throw new Error(`${r.error.code}: ${r.error.message}`);
      return JSON.parse(text(r.response?.body));
    };

    afterAll(() => pool.close());

    it('resolves package main, relative files, .json, and a nested node_modules copy before the top one', async () => {
      expect(json(await run('greet', { name: 'ada' }))).toBe('HELLO ADA :)<nested>--!');
      expect(json(await run('tryRequire', { name: 'left-pad' }))).toEqual({ loaded: 'function' });
    });

    it('resolves scoped packages and a directory main; module state lives as long as the app version', async () => {
      expect(json(await run('counter'))).toBe('acme-1');
      // Modules are cached per app-version context, as Node caches them per process (documented).
      expect(json(await run('counter'))).toBe('acme-2');
    });

    it('hands a require cycle the partial exports, as Node does', async () => {
      expect(json(await run('cycle'))).toEqual({ a: 'A', fromB: 'A' });
    });

    it('serves the pure built-ins from their browser builds, and Buffer as a global', async () => {
      expect(json(await run('builtins'))).toEqual({
        event: 42,
        join: '/a/c/d.txt',
        ext: '.gz',
        format: 'n=5',
        inspect: '{ a: [ 1, 2 ] }',
        qs: 'a=1%202&b=x&b=y',
        parsedQs: { a: '1', b: '2' },
        host: 'example.com',
        port: '8080',
        pathname: '/a/b',
        decoded: '€',
        assertMessage: 'one is not two',
        puny: 'xn--maana-pta.com',
        b64: Buffer.from('héllo').toString('base64'),
        hex: '6162',
        sameBuffer: true,
      });
    });

    it('require("crypto"): hashes and HMACs computed by the host, equal to node:crypto', async () => {
      expect(json(await run('crypto', { key: 'k' }))).toEqual({
        sha256: createHash('sha256').update('part one, part two').digest('hex'),
        copy: createHash('sha256').update('part one, part two').digest('base64'),
        md5: createHash('md5').update('abc').digest('hex'),
        hmac: createHmac('sha512', 'k').update('msg').digest('base64'),
        random: 16,
        uuid: true,
        equal: true,
        viaPrefix: true,
      });
      expect(json(await run('tryCrypto', { expr: 'require("crypto").createHash("whirlpool")' }))).toEqual({
        error: 'Digest method not supported: whirlpool',
      });
      expect(
        json(await run('tryCrypto', { expr: 'require("crypto").createCipheriv("aes-256-cbc")' })),
      ).toEqual({
        error:
          'crypto.createCipheriv is not available in Portico functions (hashing, HMAC and random bytes only; see utils.crypto)',
      });
      expect(json(await run('tryCrypto', { expr: 'require("crypto").randomBytes(1e9)' }))).toEqual({
        error: 'randomBytes: size must be an integer from 0 to 65536',
      });
    });

    it('names the module for every other built-in', async () => {
      for (const name of [
        'fs',
        'child_process',
        'node:net',
        'http',
        'os',
        'vm',
        'worker_threads',
        'process',
      ]) {
        const shown = name.replace(/^node:/, '');
        expect(json(await run('tryRequire', { name }))).toEqual({
          error: `module "${shown}" is not available in Portico functions (only pure built-ins: assert, buffer, events, path, punycode, querystring, string_decoder, url, util, crypto (hashing, HMAC, randomBytes))`,
        });
      }
    });

    it('finds nothing outside the bundle: unknown packages, absolute paths, climbing with ..', async () => {
      for (const name of [
        'nope',
        '/etc/passwd',
        '/proc/self/environ',
        '../../../etc/passwd',
        './greet',
        'tiny-greeter/../../x',
      ]) {
        expect(json(await run('tryRequire', { name }))).toEqual({ error: `Cannot find module '${name}'` });
      }
      // From inside a dependency, relative paths stay inside node_modules.
      for (const name of ['../../../../etc/passwd', '../tiny-greeter/../../../etc/hosts', '/etc/passwd']) {
        expect(json(await run('trySneaky', { name }))).toEqual({ error: `Cannot find module '${name}'` });
      }
      expect(json(await run('trySneaky', { name: '../left-pad' }))).toEqual({ loaded: 'function' });
    });

    it('keeps the dependency files in the host: 14 MB of them do not enter a 16 MB isolate at boot', async () => {
      const big = bundleOf(
        'bigdeps-abcde',
        { greet: FUNCTIONS.greet },
        {
          limits: { timeout_ms: 10_000, memory_mb: 16, max_request_bytes: 1024 * 1024 },
          dependencies: {
            files: { ...DEPENDENCIES, 'filler/data.js': `// ${'x'.repeat(14 * 1024 * 1024)}` },
          },
        },
      );
      expect(json(await run('greet', { name: 'big' }, big))).toBe('HELLO BIG :)<nested>--!');
    });

    it('an app without dependencies gets a clear error, and the built-ins still work', async () => {
      expect(json(await run('tryRequire', { name: 'moment' }, bare))).toEqual({
        error: "Cannot find module 'moment': the app has no npm dependencies (functions/node_modules)",
      });
      expect(json(await run('tryRequire', { name: 'util' }, bare))).toEqual({ loaded: 'object' });
    });
  },
);
