import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import type { ArchiveLimits } from './archive-limits';
import { ArchiveError } from './archive.error';
import { ByteBudget } from './byte-budget';
import { isArchiverNoise, safeEntryPath } from './entry-path';
import type { FileTree } from './file-tree';

/** Tar framing around the files: a 512-byte header per entry, padding, the end blocks. */
const TAR_OVERHEAD_PER_ENTRY = 1536;

/** Stops a decompressed stream at `max` bytes, whatever the archive says about itself. */
class StreamCap extends Transform {
  private seen = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) done(new ArchiveError(`archive expands to more than ${this.max} bytes`));
    else done(null, chunk);
  }
}

/**
 * Reads a tar (optionally gzipped) into a file tree, streaming: regular files only (symlinks, hard
 * links, devices and FIFOs are refused), safe relative paths only, every limit counted on real bytes.
 */
export async function readTar(buffer: Buffer, gzipped: boolean, limits: ArchiveLimits): Promise<FileTree> {
  const extract = tar.extract();
  const cap = new StreamCap(limits.maxTotalBytes + limits.maxEntries * TAR_OVERHEAD_PER_ENTRY);
  const source = Readable.from([buffer]);
  // The pipeline's own outcome is looked at only after the loop: a failure inside the loop destroys it.
  const piped = (
    gzipped ? pipeline(source, createGunzip(), cap, extract) : pipeline(source, cap, extract)
  ).then(
    () => undefined,
    (err: unknown) => err,
  );
  const tree: FileTree = new Map();
  const budget = new ByteBudget(limits);
  try {
    for await (const entry of extract) {
      const { name, type, size } = entry.header;
      budget.countEntry(name);
      const path = safeEntryPath(name);
      if (type === 'directory' || path === undefined) {
        entry.resume();
        continue;
      }
      if (type !== 'file' && type !== 'contiguous-file')
        throw new ArchiveError(`entry is a ${type ?? 'special file'}, only regular files are accepted`, name);
      budget.checkDeclared(name, size ?? 0);
      const content = await budget.collect(name, entry as AsyncIterable<Buffer>);
      if (isArchiverNoise(path)) continue;
      if (tree.has(path)) throw new ArchiveError('entry appears twice', name);
      tree.set(path, content);
    }
  } catch (err) {
    extract.destroy();
    source.destroy();
    throw asArchiveError(err, gzipped ? 'not a valid tar.gz archive' : 'not a valid tar archive');
  }
  const failure = await piped;
  if (failure !== undefined) throw asArchiveError(failure, 'not a valid tar archive');
  return tree;
}

function asArchiveError(err: unknown, fallback: string): ArchiveError {
  if (err instanceof ArchiveError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new ArchiveError(`${fallback}: ${detail}`);
}
