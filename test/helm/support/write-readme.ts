import { readFileSync, writeFileSync } from 'node:fs';
import { README_FILE, loadValues, paramsSection, readParams, renderParamsTable } from './chart';

/**
 * Regenerates the `## Parameters` section of helm/portico/README.md from the `## @param` lines of
 * values.yaml (bitnami's readme-generator-for-helm writes the same section from the same lines):
 *
 *   node -r @swc-node/register test/helm/support/write-readme.ts && npx prettier --write helm/portico/README.md
 */
const readme = readFileSync(README_FILE, 'utf8');
const { start, end } = paramsSection(readme);
const table = renderParamsTable(loadValues(), readParams());
writeFileSync(
  README_FILE,
  `${readme.slice(0, start)}\n${table}\n${end < readme.length ? '\n' : ''}${readme.slice(end)}`,
);
console.log(`${README_FILE}: parameters tables written`);
