import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import * as tar from 'tar-stream';

/** Folders never packed: VCS data, and installed packages outside `functions/` (App Services ignores them). */
function skipped(relative: string, name: string): boolean {
  if (name === '.git' || name === '.DS_Store') return true;
  return name === 'node_modules' && relative !== 'functions';
}

/** Every regular file below `dir` as a `/`-separated relative path, sorted; symlinks are not followed. */
export async function listDirectory(dir: string, relative = ''): Promise<string[]> {
  const entries = await readdir(join(dir, relative), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (skipped(relative, entry.name)) continue;
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listDirectory(dir, path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** Packs a file tree into a tar.gz in memory; `onFile` is told of each file packed, for progress. */
export async function packTree(
  tree: Iterable<[string, Buffer]>,
  onFile: (path: string, bytes: number) => void = () => undefined,
): Promise<Buffer> {
  const pack = tar.pack();
  const gzip = createGzip();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    gzip.on('data', (c: Buffer) => chunks.push(c));
    gzip.on('end', () => resolve(Buffer.concat(chunks)));
    gzip.on('error', reject);
    pack.on('error', reject);
  });
  pack.pipe(gzip);
  for (const [path, content] of tree) {
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: path, size: content.length, mode: 0o644, mtime: new Date(0) }, content, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
    onFile(path, content.length);
  }
  pack.finalize();
  return done;
}

/**
 * Packs an export directory into a tar.gz in memory (what `portico deploy` uploads): `.git` and
 * `node_modules` outside `functions/` are left out, symlinks are not followed.
 */
export async function packDirectory(
  dir: string,
  onFile: (path: string, bytes: number) => void = () => undefined,
): Promise<Buffer> {
  async function* files(): AsyncGenerator<[string, Buffer]> {
    for (const path of await listDirectory(dir)) yield [path, await readFile(join(dir, path))];
  }
  const tree: [string, Buffer][] = [];
  for await (const entry of files()) tree.push(entry);
  return packTree(tree, onFile);
}
