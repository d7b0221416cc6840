import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';

/** A tar entry for tests: any header tar-stream accepts (including symlinks and `../` names). */
export interface TarEntrySpec {
  header: Partial<tar.Header> & { name: string };
  content?: Buffer | string;
}

/** Builds a tar (gzipped by default) in memory from raw headers, for archives no tool would make. */
export async function writeTar(entries: TarEntrySpec[], gzip = true): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pack.on('data', (c) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
  for (const { header, content } of entries) {
    const body = content === undefined ? undefined : Buffer.from(content);
    if (body) pack.entry({ ...header, size: body.length }, body);
    else pack.entry(header);
  }
  pack.finalize();
  const tarBytes = await done;
  return gzip ? gzipSync(tarBytes) : tarBytes;
}
