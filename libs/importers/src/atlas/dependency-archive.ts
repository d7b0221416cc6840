import { readArchive } from '../archive/archive.reader';
import { ArchiveError } from '../archive/archive.error';
import type { FileTree } from '../archive/file-tree';

/** Names App Services accepts for an uploaded dependency archive (reference §1.5). */
const ARCHIVES = ['node_modules.tar.gz', 'node_modules.tgz', 'node_modules.tar', 'node_modules.zip'];

/**
 * Unpacks `functions/node_modules.{tar.gz,tgz,tar,zip}` into `functions/node_modules/` with the same
 * safe reader as the upload (an inner `node_modules/` folder is dropped), and removes the archive.
 * Files already present under `functions/node_modules/` win. Throws `ArchiveError` naming the archive.
 */
export async function expandDependencyArchives(tree: FileTree): Promise<FileTree> {
  const found = ARCHIVES.map((name) => `functions/${name}`).filter((path) => tree.has(path));
  if (found.length === 0) return tree;
  const expanded: FileTree = new Map(tree);
  for (const path of found) {
    let inner: FileTree;
    try {
      inner = await readArchive(expanded.get(path) as Buffer, { stripTopFolder: false });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new ArchiveError(`${path}: ${message}`, path);
    }
    expanded.delete(path);
    const paths = [...inner.keys()];
    const nested = paths.length > 0 && paths.every((p) => p.startsWith('node_modules/'));
    for (const [p, content] of inner) {
      const target = `functions/node_modules/${nested ? p.slice('node_modules/'.length) : p}`;
      if (!expanded.has(target)) expanded.set(target, content);
    }
  }
  return expanded;
}
