import { readFileSync, writeFileSync } from 'node:fs';
import { PARAMS_END, PARAMS_START, README_FILE, loadValues, readParams, renderParamsTable } from './chart';

/**
 * Regenerates the parameters tables of helm/portico/README.md from the `## @param` lines of
 * values.yaml (between the parameters markers; the rest of the README is left alone):
 *
 *   node -r @swc-node/register test/helm/support/write-readme.ts && npx prettier --write helm/portico/README.md
 */
const readme = readFileSync(README_FILE, 'utf8');
const start = readme.indexOf(PARAMS_START);
const end = readme.indexOf(PARAMS_END);
if (start === -1 || end === -1) throw new Error(`${README_FILE}: no parameters markers`);
const table = renderParamsTable(readParams(), loadValues());
writeFileSync(
  README_FILE,
  `${readme.slice(0, start + PARAMS_START.length)}\n\n${table}\n\n${readme.slice(end)}`,
);
console.log(`${README_FILE}: parameters tables written`);
