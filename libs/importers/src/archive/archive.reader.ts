import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './archive-limits';
import { ArchiveError } from './archive.error';
import type { FileTree } from './file-tree';
import { readTar } from './tar.reader';
import { readZip } from './zip.reader';

export type ArchiveKind = 'tar.gz' | 'tar' | 'zip';

/** What the bytes are, by their magic numbers (never by a file name or a Content-Type). */
export function detectArchive(bytes: Uint8Array): ArchiveKind | undefined {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return 'tar.gz';
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5))
    return 'zip';
  if (bytes.length >= 262 && Buffer.from(bytes.subarray(257, 262)).toString('latin1') === 'ustar')
    return 'tar';
  return undefined;
}

export interface ReadArchiveOptions {
  limits?: Partial<ArchiveLimits>;
  /**
   * Drop the one folder everything is in (`my-app/…` as zipped by a file manager). Default true; the
   * dependency reader turns it off, since there the top folder is a package name.
   */
  stripTopFolder?: boolean;
}

/** Reads a tar.gz, tar or zip upload into memory through the safe readers; throws `ArchiveError`. */
export async function readArchive(bytes: Buffer, options: ReadArchiveOptions = {}): Promise<FileTree> {
  const limits = { ...DEFAULT_ARCHIVE_LIMITS, ...options.limits };
  const kind = detectArchive(bytes);
  let tree: FileTree;
  switch (kind) {
    case 'tar.gz':
      tree = await readTar(bytes, true, limits);
      break;
    case 'tar':
      tree = await readTar(bytes, false, limits);
      break;
    case 'zip':
      tree = await readZip(bytes, limits);
      break;
    case undefined:
      throw new ArchiveError('not an archive: expected a tar.gz, tar or zip file');
  }
  return options.stripTopFolder === false ? tree : stripTopFolder(tree);
}

/** `{a/x, a/y/z}` → `{x, y/z}`: when every file lies below the same single folder. */
export function stripTopFolder(tree: FileTree): FileTree {
  let top: string | undefined;
  for (const path of tree.keys()) {
    const slash = path.indexOf('/');
    if (slash === -1) return tree;
    const first = path.slice(0, slash);
    if (top === undefined) top = first;
    else if (top !== first) return tree;
  }
  if (top === undefined) return tree;
  const stripped: FileTree = new Map();
  for (const [path, content] of tree) stripped.set(path.slice(top.length + 1), content);
  return stripped;
}
