// Child process of the embedded store's two-process test: opens the same SQLite file as its parent
// and writes while the parent writes. Usage: <dataDir> <appId> <tag> <otherTag> <writes>; it starts
// on a line on stdin and runs the same loop as the parent (`writeHalvesInTurn`).
import { asAppId } from '@portico/contracts';
import { EmbeddedStore } from '../embedded/embedded.store';
import { writeHalvesInTurn } from './concurrent-writes';

async function main(): Promise<void> {
  const [dataDir, app, tag, otherTag, count] = process.argv.slice(2);
  const store = EmbeddedStore.open(dataDir);
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  await writeHalvesInTurn(store, asAppId(app), tag, otherTag, Number(count));
  await store.close();
  process.stdout.write('done\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
