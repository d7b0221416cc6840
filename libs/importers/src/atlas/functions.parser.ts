import { FunctionSpecSchema, type FunctionSpec } from '@portico/contracts';
import { z } from 'zod';
import { isRecord, type ExportReader } from './export-reader';
import { isValidFunctionName } from './function-name';

/** The run-mode fields of a manifest entry (reference §1.5); unset run-mode fields are written as `""`. */
const ManifestEntrySchema = z
  .object({
    name: z.string().min(1),
    private: z.boolean().default(false),
    run_as_system: z.boolean().default(false),
    run_as_user_id: z.string().optional(),
    run_as_user_id_script_source: z.string().optional(),
    can_evaluate: z.record(z.string(), z.unknown()).optional(),
    disable_arg_logs: z.boolean().optional(),
  })
  .transform((e) => ({
    ...e,
    run_as_user_id: e.run_as_user_id || undefined,
    run_as_user_id_script_source: e.run_as_user_id_script_source || undefined,
  }));
type ManifestEntry = z.output<typeof ManifestEntrySchema>;

export interface ParsedFunctions {
  functions: Record<string, FunctionSpec>;
  /** Function name → the file its source came from (for syntax errors). */
  files: Record<string, string>;
}

const DEFAULT_ENTRY = (name: string): ManifestEntry => ({
  name,
  private: false,
  run_as_system: false,
  run_as_user_id: undefined,
  run_as_user_id_script_source: undefined,
});

/** A function's spec from its manifest entry and source; run-mode conflicts are errors. */
export function toFunctionSpec(
  reader: ExportReader,
  file: string,
  entry: ManifestEntry,
  source: string,
): FunctionSpec | undefined {
  if (entry.run_as_user_id && entry.run_as_user_id_script_source) {
    reader.error(
      file,
      `function "${entry.name}": run_as_user_id and run_as_user_id_script_source exclude each other`,
    );
    return undefined;
  }
  return reader.parse(file, FunctionSpecSchema, { ...entry, source }, `function "${entry.name}"`);
}

/**
 * `functions/config.json` + `functions/**\/*.js` (names with `/`), and the Stitch layout
 * `functions/<name>/{config.json,source.js}` (reference §1.1, §1.5). Files missing from the manifest
 * get the defaults (as App Services does); a manifest entry without a source file is an error.
 * `functions/node_modules/` and `functions/package.json` belong to the dependencies.
 */
export function parseFunctions(reader: ExportReader): ParsedFunctions {
  const parsed: ParsedFunctions = { functions: {}, files: {} };
  const manifest = new Map<string, ManifestEntry>();
  const MANIFEST = 'functions/config.json';
  if (reader.has(MANIFEST)) {
    const raw = reader.json(MANIFEST);
    if (raw !== undefined && !Array.isArray(raw)) reader.error(MANIFEST, 'must be a JSON array');
    else
      (raw ?? []).forEach((item: unknown, index: number) => {
        const entry = reader.parse(MANIFEST, ManifestEntrySchema, item, `entry ${index}`);
        if (entry === undefined) return;
        if (manifest.has(entry.name)) reader.error(MANIFEST, `function "${entry.name}" is listed twice`);
        manifest.set(entry.name, entry);
      });
  }

  const add = (name: string, file: string, entry: ManifestEntry): void => {
    if (!isValidFunctionName(name)) {
      reader.error(file, `function name "${name}" may only use letters, digits, "_", ".", "/" and "-"`);
      return;
    }
    if (Object.hasOwn(parsed.functions, name)) {
      reader.error(file, `function "${name}" is defined twice (also in ${parsed.files[name]})`);
      return;
    }
    const spec = toFunctionSpec(reader, file, entry, reader.text(file) ?? '');
    if (spec === undefined) return;
    parsed.functions[name] = spec;
    parsed.files[name] = file;
  };

  const files = reader
    .under('functions/')
    .filter((p) => !p.startsWith('functions/node_modules/') && p !== 'functions/package.json');
  // Stitch: a folder with config.json and source.js is one function named after the folder.
  const stitchDirs = new Set(
    files
      .filter((p) => p.endsWith('/source.js') && files.includes(p.replace(/source\.js$/, 'config.json')))
      .map((p) => p.slice('functions/'.length, -'/source.js'.length)),
  );
  for (const dir of stitchDirs) {
    const configFile = `functions/${dir}/config.json`;
    const raw = reader.json(configFile);
    if (raw === undefined) continue;
    const entry = reader.parse(configFile, ManifestEntrySchema, isRecord(raw) ? { name: dir, ...raw } : raw);
    if (entry === undefined) continue;
    add(entry.name, `functions/${dir}/source.js`, manifest.get(entry.name) ?? entry);
  }
  for (const file of files) {
    if (!file.endsWith('.js') || reader.isUsed(file)) continue;
    const name = file.slice('functions/'.length, -'.js'.length);
    add(name, file, manifest.get(name) ?? DEFAULT_ENTRY(name));
  }
  for (const name of manifest.keys()) {
    if (!Object.hasOwn(parsed.functions, name) && !reader.errors.some((e) => e.message.includes(`"${name}"`)))
      reader.error(MANIFEST, `function "${name}" has no source file functions/${name}.js`);
  }
  return parsed;
}
