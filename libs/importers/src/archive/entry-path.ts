import { ArchiveError } from './archive.error';

/**
 * The safe relative path of an archive entry, or an error for anything that could escape the export:
 * an absolute path (`/x`, `C:\x`), a `..` segment, a backslash or a NUL. `./a//b/` becomes `a/b`.
 * Returns undefined for entries that name only the root (`./`).
 */
export function safeEntryPath(name: string): string | undefined {
  if (name.includes('\0')) throw new ArchiveError('entry name contains a NUL byte', name);
  if (name.includes('\\')) throw new ArchiveError('entry name contains a backslash', name);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name))
    throw new ArchiveError('entry has an absolute path', name);
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new ArchiveError('entry path contains ".."', name);
  return segments.length === 0 ? undefined : segments.join('/');
}

/** Entries archivers add that are never part of an export (macOS resource forks and Finder files). */
export function isArchiverNoise(path: string): boolean {
  return path.startsWith('__MACOSX/') || path === '.DS_Store' || path.endsWith('/.DS_Store');
}
