import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { VirtualFiles } from './module-resolver';

/**
 * The Node built-ins a guest may `require` (issue #5 item 2): those that are pure computation,
 * each served from its browser build installed with the platform. Key: the built-in's name; value:
 * the package request that provides it (a trailing `/` makes it a package, never the built-in).
 */
export const PURE_BUILTINS: Readonly<Record<string, string>> = {
  assert: 'assert/',
  buffer: 'buffer/',
  events: 'events/',
  path: 'path-browserify',
  punycode: 'punycode/',
  querystring: 'querystring-es3',
  string_decoder: 'string_decoder/',
  url: 'url/',
  util: 'util/',
};

const PACKAGE_FILE = /\.(js|cjs|json)$/;
/** Bytes read at most for one file of the closure (the largest, buffer's index.js, is 60 KB). */
const MAX_FILE_BYTES = 2 * 1024 * 1024;

/**
 * The read-only files of those browser packages and of their dependency closure (`dependencies` of
 * each package.json, resolved the way Node would), keyed by their path below the platform's
 * `node_modules`. The allow-list is collected once per host process, on the first `require` of a
 * built-in (so spare hosts start as fast as before), and is the only way a guest request reaches a
 * host file: a key that is not in it does not exist.
 */
export class PlatformModules implements VirtualFiles {
  private readonly allowed = new Map<string, string>();
  private readonly texts = new Map<string, string>();

  private constructor(private readonly root: string) {}

  static collect(packages: readonly string[] = Object.values(PURE_BUILTINS)): PlatformModules {
    const anchor = realpathSync(require.resolve('buffer/package.json'));
    const modules = new PlatformModules(dirname(dirname(anchor)));
    const queue = packages.map((p) => p.replace(/\/$/, ''));
    const seen = new Set<string>();
    while (queue.length > 0) {
      const pkg = queue.shift()!;
      if (seen.has(pkg)) continue;
      seen.add(pkg);
      const manifest = modules.addPackage(pkg);
      for (const dep of Object.keys(manifest.dependencies ?? {})) {
        const found = modules.findPackage(pkg, dep);
        if (found !== undefined) queue.push(found);
      }
    }
    return modules;
  }

  has(path: string): boolean {
    return this.allowed.has(path);
  }

  read(path: string): string | undefined {
    const file = this.allowed.get(path);
    if (file === undefined) return undefined;
    let text = this.texts.get(path);
    if (text === undefined) {
      text = readFileSync(file, 'utf8');
      this.texts.set(path, text);
    }
    return text;
  }

  /** How many files the allow-list holds (for tests and the docs). */
  get size(): number {
    return this.allowed.size;
  }

  private addPackage(pkg: string): { dependencies?: Record<string, string> } {
    const dir = join(this.root, ...pkg.split('/'));
    this.walk(dir, dir);
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
    } catch {
      return {};
    }
  }

  /** Files of one package, leaving out nested `node_modules` (their packages come as dependencies). */
  private walk(dir: string, pkgDir: string): void {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      const file = join(dir, entry);
      const stat = statSync(file);
      if (stat.isDirectory()) this.walk(file, pkgDir);
      else if (stat.isFile() && PACKAGE_FILE.test(entry) && stat.size <= MAX_FILE_BYTES) {
        this.allowed.set(relative(this.root, file).split(sep).join('/'), file);
      }
    }
  }

  /** Where `dep` required from package `pkg` lives: the nearest `node_modules` above `pkg`, as Node finds it. */
  private findPackage(pkg: string, dep: string): string | undefined {
    const parts = pkg.split('/');
    for (let i = parts.length; i >= 0; i--) {
      if (i > 0 && parts[i - 1] === 'node_modules') continue;
      const candidate = [...parts.slice(0, i), ...(i > 0 ? ['node_modules'] : []), dep].join('/');
      try {
        if (statSync(join(this.root, ...candidate.split('/'), 'package.json')).isFile()) return candidate;
      } catch {
        // not there: try the next node_modules up
      }
    }
    return undefined;
  }
}
