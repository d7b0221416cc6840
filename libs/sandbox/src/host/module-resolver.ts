/**
 * Node's CommonJS resolution (`require.resolve`, the Node 10 algorithm App Services documents,
 * reference §1.5) over a closed set of files keyed by their path below one `node_modules` directory
 * (`"moment/moment.js"`, `"url/node_modules/punycode/punycode.js"`). Nothing here touches a file
 * system: a path that is not a key of the set does not exist, so no request can name a host file.
 */
export interface VirtualFiles {
  has(path: string): boolean;
  read(path: string): string | undefined;
}

export interface ResolveOptions {
  /** Honour package.json `browser` (the platform's browser builds of Node built-ins need it). */
  browser?: boolean;
}

/** Longest request or path accepted; real ones are far shorter. */
const MAX_PATH = 1024;
const EXTENSIONS = ['', '.js', '.json', '.cjs'];

/**
 * Normalizes `a/b/../c` style paths (forward slashes only). Undefined when the path climbs above
 * the root or holds characters no module path needs.
 */
export function normalizePath(path: string): string | undefined {
  if (path.length > MAX_PATH || /[\0\\]/.test(path)) return undefined;
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(segment);
  }
  return out.join('/');
}

const dirOf = (path: string): string => {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
};
const join = (dir: string, rel: string): string | undefined =>
  normalizePath(dir === '' ? rel : `${dir}/${rel}`);

/**
 * Resolves `request` as `require` in the module at `fromPath` (a key of `files`), or in a function
 * (`fromPath` undefined: only package names make sense there). Returns the key of the file to load.
 */
export function resolveModule(
  files: VirtualFiles,
  fromPath: string | undefined,
  request: string,
  options: ResolveOptions = {},
): string | undefined {
  if (request.length === 0 || request.length > MAX_PATH) return undefined;
  const relative = request === '.' || request === '..' || /^\.\.?\//.test(request);
  if (relative) {
    if (fromPath === undefined) return undefined;
    const base = join(dirOf(fromPath), request);
    if (base === undefined) return undefined;
    return loadFile(files, base, options) ?? loadDirectory(files, base, options);
  }
  // Absolute paths name host files, never modules of the bundle.
  if (request.startsWith('/')) return undefined;
  const parts = request.split('/');
  const nameLength = request.startsWith('@') ? 2 : 1;
  if (parts.length < nameLength || parts.slice(0, nameLength).some((p) => p === '' || p.startsWith('.')))
    return undefined;
  const name = parts.slice(0, nameLength).join('/');
  const sub = parts.slice(nameLength).join('/');
  for (const dir of moduleDirs(fromPath === undefined ? '' : dirOf(fromPath))) {
    const pkg = join(dir, name);
    if (pkg === undefined) continue;
    const found =
      sub === ''
        ? loadDirectory(files, pkg, options)
        : (() => {
            const target = join(pkg, sub);
            return target === undefined
              ? undefined
              : (loadFile(files, target, options) ?? loadDirectory(files, target, options));
          })();
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The `node_modules` directories searched from `dir`, nearest first (Node's NODE_MODULES_PATHS). */
function moduleDirs(dir: string): string[] {
  const parts = dir === '' ? [] : dir.split('/');
  const dirs: string[] = [];
  for (let i = parts.length; i > 0; i--) {
    if (parts[i - 1] === 'node_modules') continue;
    dirs.push(`${parts.slice(0, i).join('/')}/node_modules`);
  }
  dirs.push('');
  return dirs;
}

function loadFile(files: VirtualFiles, base: string, options: ResolveOptions): string | undefined {
  for (const ext of EXTENSIONS) {
    const path = base + ext;
    if (path !== '' && files.has(path)) return options.browser ? browserMapped(files, path) : path;
  }
  return undefined;
}

function loadDirectory(files: VirtualFiles, dir: string, options: ResolveOptions): string | undefined {
  const manifest = readManifest(files, dir);
  const main =
    options.browser && typeof manifest?.browser === 'string'
      ? manifest.browser
      : typeof manifest?.main === 'string'
        ? manifest.main
        : undefined;
  if (main !== undefined) {
    const target = join(dir, main);
    if (target !== undefined) {
      const found = loadFile(files, target, options) ?? loadIndex(files, target, options);
      if (found !== undefined) return found;
    }
  }
  return loadIndex(files, dir, options);
}

function loadIndex(files: VirtualFiles, dir: string, options: ResolveOptions): string | undefined {
  for (const index of ['index.js', 'index.json', 'index.cjs']) {
    const path = dir === '' ? index : `${dir}/${index}`;
    if (files.has(path)) return options.browser ? browserMapped(files, path) : path;
  }
  return undefined;
}

function readManifest(files: VirtualFiles, dir: string): Record<string, unknown> | undefined {
  const text = files.read(dir === '' ? 'package.json' : `${dir}/package.json`);
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A file replaced through its package's `browser` map (`{"./support/isBuffer.js": "./support/isBufferBrowser.js"}`). */
function browserMapped(files: VirtualFiles, path: string): string {
  for (let dir = dirOf(path); ; dir = dirOf(dir)) {
    const manifest = readManifest(files, dir);
    if (manifest !== undefined) {
      const map = manifest.browser;
      if (map === null || typeof map !== 'object') return path;
      const rel = `./${dir === '' ? path : path.slice(dir.length + 1)}`;
      const replacement = (map as Record<string, unknown>)[rel];
      if (typeof replacement !== 'string') return path;
      const target = join(dir, replacement);
      return target !== undefined && files.has(target) ? target : path;
    }
    if (dir === '') return path;
  }
}
