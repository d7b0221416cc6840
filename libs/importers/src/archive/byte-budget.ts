import type { ArchiveLimits } from './archive-limits';
import { ArchiveError } from './archive.error';

/**
 * Counts decompressed bytes and entries as they stream in and throws the moment a limit is crossed,
 * so an archive's claims (header sizes) never matter and memory stays bounded by the limits.
 */
export class ByteBudget {
  private total = 0;
  private entries = 0;

  constructor(private readonly limits: ArchiveLimits) {}

  countEntry(name: string): void {
    if (++this.entries > this.limits.maxEntries)
      throw new ArchiveError(`more than ${this.limits.maxEntries} entries`, name);
  }

  /** Checks a size an entry declares before reading it (fails fast on an honest bomb). */
  checkDeclared(name: string, size: number): void {
    if (size > this.limits.maxFileBytes)
      throw new ArchiveError(`file is larger than ${this.limits.maxFileBytes} bytes`, name);
    if (this.total + size > this.limits.maxTotalBytes)
      throw new ArchiveError(`archive expands to more than ${this.limits.maxTotalBytes} bytes`, name);
  }

  /** Reads a file's stream to a Buffer, counting every decompressed chunk. */
  async collect(name: string, stream: AsyncIterable<Buffer>): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      size += chunk.length;
      this.total += chunk.length;
      if (size > this.limits.maxFileBytes)
        throw new ArchiveError(`file is larger than ${this.limits.maxFileBytes} bytes`, name);
      if (this.total > this.limits.maxTotalBytes)
        throw new ArchiveError(`archive expands to more than ${this.limits.maxTotalBytes} bytes`, name);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size);
  }
}
