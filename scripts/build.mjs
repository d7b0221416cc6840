// Builds the whole monorepo with tsc into dist/ and rewrites the @portico/* path aliases to relative
// paths (tsc-alias), so `node dist/...` runs without a loader. `--if-needed` skips the build when
// dist/ is newer than every source file, which keeps `npm start` and `npm test` fast after the first run.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', '.build-stamp');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|js|json)$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

if (process.argv.includes('--if-needed') && existsSync(stamp)) {
  const sources = Math.max(
    newestSource(join(root, 'apps')),
    newestSource(join(root, 'libs')),
    statSync(join(root, 'tsconfig.json')).mtimeMs,
    statSync(join(root, 'tsconfig.build.json')).mtimeMs,
  );
  if (statSync(stamp).mtimeMs >= sources) process.exit(0);
}

console.error('portico: building (tsc) ...');
const bin = (name) => join(root, 'node_modules', '.bin', name);
execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
execFileSync(bin('tsc-alias'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
const { writeFileSync } = await import('node:fs');
writeFileSync(stamp, new Date().toISOString());
console.error('portico: build done');
