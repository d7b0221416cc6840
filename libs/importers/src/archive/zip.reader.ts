import * as yauzl from 'yauzl';
import type { ArchiveLimits } from './archive-limits';
import { ArchiveError } from './archive.error';
import { ByteBudget } from './byte-budget';
import { isArchiverNoise, safeEntryPath } from './entry-path';
import type { FileTree } from './file-tree';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
/** "Version made by" host systems whose external attributes carry a Unix mode in the high 16 bits. */
const UNIX_HOSTS = new Set([3, 19]);

/** Refuses anything but a regular file or folder (symlinks, devices…) when the entry records a Unix mode. */
function assertRegular(entry: yauzl.Entry): void {
  if (!UNIX_HOSTS.has(entry.versionMadeBy >> 8)) return;
  const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR)
    throw new ArchiveError(
      'entry is a symlink or special file, only regular files are accepted',
      entry.fileName,
    );
}

/**
 * Reads a zip into a file tree, one entry at a time: safe relative paths only, no symlinks, no
 * encrypted entries, and sizes counted on the actual inflated bytes (yauzl also checks them against
 * the headers), so a zip bomb stops at the first limit it crosses.
 */
export async function readZip(buffer: Buffer, limits: ArchiveLimits): Promise<FileTree> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(buffer, {
      lazyEntries: true,
      decodeStrings: true,
      validateEntrySizes: true,
      strictFileNames: true,
    });
  } catch (err) {
    throw new ArchiveError(`not a valid zip archive: ${err instanceof Error ? err.message : String(err)}`);
  }
  const tree: FileTree = new Map();
  const budget = new ByteBudget(limits);
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (entry === undefined) break;
      const name = entry.fileName;
      budget.countEntry(name);
      const path = safeEntryPath(name);
      assertRegular(entry);
      if (path === undefined || name.endsWith('/')) continue;
      if (entry.isEncrypted()) throw new ArchiveError('entry is encrypted', name);
      budget.checkDeclared(name, entry.uncompressedSize);
      const content = await budget.collect(name, await zip.openReadStreamPromise(entry));
      if (isArchiverNoise(path)) continue;
      if (tree.has(path)) throw new ArchiveError('entry appears twice', name);
      tree.set(path, content);
    }
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    // yauzl's own refusals ("invalid relative path: ../x", "absolute path: /x", bad sizes) are client-safe.
    throw new ArchiveError(`not a valid zip archive: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    zip.close();
  }
  return tree;
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry): void => {
      cleanup();
      resolve(entry);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(undefined);
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}
