import { resolveModule, normalizePath } from './module-resolver';
import { PlatformModules } from './platform-modules';
import { SyncCalls } from './sync-calls';

/**
 * The host half of the guest's sync calls, driven the way a hostile guest could drive it: any op
 * name, any argument JSON, forged module ids. (The pool specs cover the same calls through a real
 * host process and isolate.)
 */
const files = {
  'pkg/package.json': '{"main":"lib/main.js"}',
  'pkg/lib/main.js': 'module.exports = 1;',
  'pkg/lib/data.json': '{}',
  'other/index.js': '',
};
const calls = new SyncCalls(files);
const answer = (op: string, args: unknown): { ok: boolean; value: unknown } => {
  const reply = calls.answer(op, typeof args === 'string' ? args : JSON.stringify(args));
  return reply[0] === '1'
    ? { ok: true, value: JSON.parse(reply.slice(1)) as unknown }
    : { ok: false, value: reply.slice(1) };
};

describe('SyncCalls (sandbox host side)', () => {
  it('answers utils.crypto.hmac with the docs test vector', () => {
    expect(answer('utils.crypto.hmac', ['hello!', 'super-secret', 'sha256', 'base64'])).toEqual({
      ok: true,
      value: 'SUXd6PRMaTXXgBGaGsIHzaDWgTSa6C3D44lRGrvRak0=',
    });
  });

  it('refuses unknown ops, malformed and oversized arguments without a platform detail', () => {
    expect(answer('fs.readFileSync', ['/etc/passwd'])).toEqual({
      ok: false,
      value: 'unknown operation fs.readFileSync',
    });
    expect(answer('constructor', [])).toEqual({ ok: false, value: 'unknown operation constructor' });
    expect(answer('__proto__', [])).toEqual({ ok: false, value: 'unknown operation __proto__' });
    expect(answer('utils.crypto.hash', '{"not":"an array"}')).toEqual({
      ok: false,
      value: 'utils.crypto.hash: malformed arguments',
    });
    expect(answer('utils.crypto.hash', 'not json')).toEqual({ ok: false, value: 'utils.crypto.hash failed' });
    expect(answer('utils.crypto.hash', ['sha256', 'x'.repeat(33 * 1024 * 1024)]).value).toBe(
      'input is too large',
    );
    expect(answer('utils.crypto.hmac', [{ b64: 1 }, 'k', 'sha256', 'hex']).value).toBe(
      'input must be a string or a BSON.Binary',
    );
    expect(answer('utils.jwt.encode', ['HS256', '{}', 'k', '[1]']).value).toBe(
      'utils.jwt.encode: customHeaderFields must be an object',
    );
    expect(answer('utils.jwt.encode', ['none', '{}', 'k', null]).value).toMatch(
      /^signing method must be one of/,
    );
  });

  it('resolves requires only to keys of the bundle, whatever the module id claims', () => {
    expect(answer('require', [null, 'pkg'])).toEqual({
      ok: true,
      value: { id: 'app:pkg/lib/main.js', source: 'module.exports = 1;' },
    });
    expect(answer('require', ['app:pkg/lib/main.js', './data'])).toMatchObject({
      ok: true,
      value: { id: 'app:pkg/lib/data.json' },
    });
    for (const [from, request] of [
      ['app:pkg/lib/main.js', '../../../etc/passwd'],
      ['app:../../../../etc/passwd', './x'],
      ['app:/etc/passwd', '.'],
      [null, '/proc/self/environ'],
      ['platform:../../../../../../etc', 'passwd'],
      ['platform:buffer/index.js', '../../../../../../../etc/passwd'],
      ['platform:buffer/index.js', '/etc/passwd'],
      ['platform:buffer/index.js', 'typescript'],
      ['platform:buffer/index.js', 'jose'],
    ]) {
      const r = answer('require', [from, request]);
      expect(r).toEqual({ ok: false, value: `Cannot find module '${String(request)}'` });
    }
  });

  it('offers the pure built-ins from the platform and names every other one', () => {
    expect(answer('require', [null, 'node:path'])).toMatchObject({
      ok: true,
      value: { id: 'platform:path-browserify/index.js' },
    });
    expect(answer('require', [null, 'crypto'])).toEqual({ ok: true, value: { id: 'node:crypto' } });
    expect(answer('require', [null, 'child_process']).value).toMatch(
      /^module "child_process" is not available in Portico functions \(only pure built-ins: assert, buffer/,
    );
    expect(answer('require', [null, 'node:anything']).value).toMatch(/^module "anything" is not available/);
  });
});

describe('resolveModule and PlatformModules', () => {
  const set = (paths: string[]) => {
    const keys = new Map(paths.map((p) => [p, p.endsWith('package.json') ? '{"main":"main.js"}' : '']));
    return { has: (p: string) => keys.has(p), read: (p: string) => keys.get(p) };
  };

  it('normalizes paths and refuses to climb above the root', () => {
    expect(normalizePath('a/./b/../c')).toBe('a/c');
    expect(normalizePath('a/../../b')).toBeUndefined();
    expect(normalizePath('a\\..\\..\\b')).toBeUndefined();
    expect(normalizePath('a\0b')).toBeUndefined();
  });

  it('finds the nearest node_modules copy first, then the top one', () => {
    const vfs = set(['a/index.js', 'a/node_modules/b/index.js', 'b/index.js', 'c/package.json', 'c/main.js']);
    expect(resolveModule(vfs, 'a/index.js', 'b')).toBe('a/node_modules/b/index.js');
    expect(resolveModule(vfs, 'c/main.js', 'b')).toBe('b/index.js');
    expect(resolveModule(vfs, undefined, 'c')).toBe('c/main.js');
    expect(resolveModule(vfs, undefined, './c')).toBeUndefined();
  });

  it('collects the browser builds and their dependencies, and nothing else of node_modules', () => {
    const platform = PlatformModules.collect();
    expect(platform.has('buffer/index.js')).toBe(true);
    expect(platform.has('base64-js/index.js')).toBe(true);
    expect(platform.has('url/node_modules/punycode/punycode.js')).toBe(true);
    expect(platform.has('jose/package.json')).toBe(false);
    expect(platform.has('isolated-vm/package.json')).toBe(false);
    expect(platform.read('../package.json')).toBeUndefined();
    expect(resolveModule(platform, 'util/util.js', './support/isBuffer', { browser: true })).toBe(
      'util/support/isBufferBrowser.js',
    );
  });
});
