import { createGzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { expandDependencyArchives } from '../atlas/dependency-archive';
import { writeTar } from '../testing/tar-writer';
import { writeZip, zipBomb } from '../testing/zip-writer';
import { detectArchive, readArchive } from './archive.reader';
import { ArchiveError } from './archive.error';

const text = (tree: Map<string, Buffer>) =>
  Object.fromEntries([...tree].map(([path, content]) => [path, content.toString('utf8')]));

const file = (name: string, content: string) => ({ header: { name, type: 'file' as const }, content });

describe('readArchive', () => {
  it('reads tar.gz, tar and zip by their magic bytes, dropping the one top folder they share', async () => {
    const entries = [file('my-app/realm_config.json', '{}'), file('my-app/functions/a.js', 'exports = 1')];
    const expected = { 'realm_config.json': '{}', 'functions/a.js': 'exports = 1' };
    const targz = await writeTar(entries);
    const plain = await writeTar(entries, false);
    const zip = writeZip(entries.map((e) => ({ name: e.header.name, data: Buffer.from(e.content) })));
    expect([detectArchive(targz), detectArchive(plain), detectArchive(zip)]).toEqual([
      'tar.gz',
      'tar',
      'zip',
    ]);
    expect(text(await readArchive(targz))).toEqual(expected);
    expect(text(await readArchive(plain))).toEqual(expected);
    expect(text(await readArchive(zip))).toEqual(expected);
    expect(text(await readArchive(zip, { stripTopFolder: false }))).toEqual({
      'my-app/realm_config.json': '{}',
      'my-app/functions/a.js': 'exports = 1',
    });
  });

  it('keeps the tree as it is when the files do not share one top folder; skips folders and __MACOSX', async () => {
    const tree = await readArchive(
      await writeTar([
        { header: { name: 'functions/', type: 'directory' } },
        file('functions/a.js', 'a'),
        file('root_config.json', '{}'),
        file('__MACOSX/functions/._a.js', 'junk'),
      ]),
    );
    expect(text(tree)).toEqual({ 'functions/a.js': 'a', 'root_config.json': '{}' });
  });

  it('refuses what is not an archive, and a truncated or corrupt one', async () => {
    await expect(readArchive(Buffer.from('{"just": "json"}'))).rejects.toThrow(
      new ArchiveError('not an archive: expected a tar.gz, tar or zip file'),
    );
    const targz = await writeTar([file('a.json', '{}')]);
    await expect(readArchive(targz.subarray(0, targz.length - 12))).rejects.toThrow(
      /not a valid tar.gz archive/,
    );
    const zip = writeZip([{ name: 'a.json', data: Buffer.from('{}') }]);
    await expect(readArchive(zip.subarray(0, 40))).rejects.toThrow(/not a valid zip archive/);
  });

  it('refuses path traversal and absolute paths in tar and zip', async () => {
    await expect(readArchive(await writeTar([file('../x', 'evil')]))).rejects.toMatchObject({
      message: 'entry path contains ".."',
      entry: '../x',
    });
    await expect(readArchive(await writeTar([file('a/../../x', 'evil')]))).rejects.toThrow(
      'entry path contains ".."',
    );
    await expect(readArchive(await writeTar([file('/etc/passwd', 'evil')]))).rejects.toThrow(
      'entry has an absolute path',
    );
    await expect(readArchive(writeZip([{ name: '../x', data: Buffer.from('evil') }]))).rejects.toThrow(
      /invalid relative path: \.\.\/x/,
    );
    await expect(readArchive(writeZip([{ name: '/abs', data: Buffer.from('evil') }]))).rejects.toThrow(
      /absolute path/,
    );
  });

  it('refuses symlinks, hard links and devices', async () => {
    await expect(
      readArchive(await writeTar([{ header: { name: 'link', type: 'symlink', linkname: '/etc/passwd' } }])),
    ).rejects.toThrow('entry is a symlink, only regular files are accepted');
    await expect(
      readArchive(await writeTar([file('a', 'x'), { header: { name: 'b', type: 'link', linkname: 'a' } }])),
    ).rejects.toThrow('entry is a link, only regular files are accepted');
    await expect(
      readArchive(writeZip([{ name: 'link', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 }])),
    ).rejects.toThrow('entry is a symlink or special file, only regular files are accepted');
  });

  it('stops at the entry count and at the per-file and total sizes', async () => {
    const many = await writeTar([file('a', '1'), file('b', '2'), file('c', '3')]);
    await expect(readArchive(many, { limits: { maxEntries: 2 } })).rejects.toThrow('more than 2 entries');
    const big = await writeTar([file('big.js', 'x'.repeat(2048))]);
    await expect(readArchive(big, { limits: { maxFileBytes: 1024 } })).rejects.toThrow(
      'larger than 1024 bytes',
    );
    const two = writeZip([
      { name: 'a', data: Buffer.alloc(800) },
      { name: 'b', data: Buffer.alloc(800) },
    ]);
    await expect(readArchive(two, { limits: { maxTotalBytes: 1000 } })).rejects.toThrow(
      'archive expands to more than 1000 bytes',
    );
  });

  it('rejects a 1 GiB zip bomb (about 1 MB) from its header, and when the header lies, from the inflated bytes', async () => {
    const bomb = zipBomb(1);
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    await expect(readArchive(bomb)).rejects.toMatchObject({
      message: `file is larger than ${20 * 1024 * 1024} bytes`,
      entry: 'functions/zeros.js',
    });
    // The header claims 100 bytes: the reader must not believe it, and must stop long before 1 GiB.
    await expect(readArchive(zipBomb(1, 100))).rejects.toThrow(ArchiveError);
    await expect(readArchive(zipBomb(1, 100), { limits: { maxFileBytes: 2 ** 31 } })).rejects.toThrow(
      ArchiveError,
    );
  });

  it('rejects a tar.gz whose file expands past the limit, without inflating it', async () => {
    // 30 MB of zeros gzip to about 30 KB; streamed into the packer, never held whole.
    const pack = tar.pack();
    const gzipped = pack.pipe(createGzip({ level: 1 }));
    const chunks: Buffer[] = [];
    gzipped.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((resolve) => gzipped.on('end', resolve));
    const sink = pack.entry({ name: 'functions/zeros.js', size: 30 * 1024 * 1024 });
    const mib = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 30; i++) sink.write(mib);
    sink.end(Buffer.alloc(0));
    pack.finalize();
    await ended;
    const bomb = Buffer.concat(chunks);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await expect(readArchive(bomb)).rejects.toThrow(`file is larger than ${20 * 1024 * 1024} bytes`);
    await expect(
      readArchive(bomb, { limits: { maxFileBytes: 2 ** 30, maxTotalBytes: 10 * 1024 * 1024 } }),
    ).rejects.toThrow('archive expands to more than');
  });
});

describe('expandDependencyArchives', () => {
  it('unpacks functions/node_modules.tgz into functions/node_modules/, dropping its own node_modules/ folder', async () => {
    const inner = await writeTar([
      file('node_modules/tiny/package.json', '{"main":"index.js"}'),
      file('node_modules/tiny/index.js', 'module.exports = 1'),
    ]);
    const tree = new Map([
      ['root_config.json', Buffer.from('{}')],
      ['functions/node_modules.tgz', inner],
    ]);
    expect(text(await expandDependencyArchives(tree))).toEqual({
      'root_config.json': '{}',
      'functions/node_modules/tiny/package.json': '{"main":"index.js"}',
      'functions/node_modules/tiny/index.js': 'module.exports = 1',
    });
  });

  it('refuses an unsafe dependency archive, naming it', async () => {
    const evil = writeZip([{ name: '../../x.js', data: Buffer.from('evil') }]);
    await expect(
      expandDependencyArchives(new Map([['functions/node_modules.zip', evil]])),
    ).rejects.toMatchObject({
      entry: 'functions/node_modules.zip',
      message: expect.stringMatching(/^functions\/node_modules\.zip: .*invalid relative path/),
    });
  });
});
