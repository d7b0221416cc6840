import { constants, crc32, deflateRawSync } from 'node:zlib';

/** One entry of a hand-made zip; `data` is stored deflated unless `raw` gives the compressed bytes. */
export interface ZipEntrySpec {
  name: string;
  data?: Buffer;
  /** Already-deflated bytes, with the sizes and CRC they claim (for bombs and lying headers). */
  raw?: { deflated: Buffer; crc: number; size: number };
  /** A Unix mode (e.g. `0o120777` for a symlink), recorded with "made by Unix". */
  unixMode?: number;
}

/**
 * A minimal zip writer for tests (no zip64, no data descriptors): just enough to build archives a
 * real zip tool would never make — bombs, traversal names, symlinks — at run time, so no binary is
 * committed.
 */
export function writeZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = entry.data ?? Buffer.alloc(0);
    const compressed = entry.raw?.deflated ?? deflateRawSync(data);
    const crc = entry.raw?.crc ?? crc32(data);
    const size = entry.raw?.size ?? data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, compressed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(entry.unixMode === undefined ? 20 : (3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(entry.unixMode === undefined ? 0 : (entry.unixMode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A zip bomb: one entry of `gib` GiB of zeros, deflated to about 1 MB without ever holding the
 * zeros — one 1 MiB block compressed once, then repeated (full-flush blocks are independent).
 */
export function zipBomb(gib = 1, declaredSize?: number): Buffer {
  const mib = Buffer.alloc(1024 * 1024);
  const block = deflateRawSync(mib, { finishFlush: constants.Z_FULL_FLUSH });
  const blocks = 1024 * gib;
  let crc = 0;
  for (let i = 0; i < blocks; i++) crc = crc32(mib, crc);
  const deflated = Buffer.concat([...Array<Buffer>(blocks).fill(block), deflateRawSync(Buffer.alloc(0))]);
  return writeZip([
    {
      name: 'functions/zeros.js',
      raw: { deflated, crc, size: declaredSize ?? Math.min(blocks * mib.length, 0xffffffff) },
    },
  ]);
}
