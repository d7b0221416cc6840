import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, parseDocument } from 'yaml';

/**
 * Reads the Helm chart `helm/portico` without a helm binary: values.yaml and its `## @param` lines,
 * values.schema.json, the templates (as Go-template actions), the README parameters table.
 */
export const CHART_DIR = join(__dirname, '..', '..', '..', 'helm', 'portico');
export const TEMPLATES_DIR = join(CHART_DIR, 'templates');
export const VALUES_FILE = join(CHART_DIR, 'values.yaml');
export const SCHEMA_FILE = join(CHART_DIR, 'values.schema.json');
export const README_FILE = join(CHART_DIR, 'README.md');

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function loadValues(file = VALUES_FILE): JsonObject {
  const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: true });
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  const values: unknown = doc.toJS();
  if (!isObject(values)) throw new Error(`${file}: not a mapping`);
  return values;
}

export function loadSchema(): JsonObject {
  return JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as JsonObject;
}

/** Every file under templates/, relative to it (`worker/deployment.yaml`, `_helpers.tpl`, `NOTES.txt`). */
export function templateFiles(dir = TEMPLATES_DIR): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? templateFiles(path).map((f) => join(name, f)) : [name];
    })
    .sort();
}

export const readTemplate = (file: string) => readFileSync(join(TEMPLATES_DIR, file), 'utf8');

// ---------------------------------------------------------------------------------------------------
// Go templates: split into text and actions the way text/template's lexer does (an action ends at the
// first `}}` outside a string literal; comments are `{{/* ... */}}` with optional trim markers).

export interface Action {
  /** The action's body without delimiters, trim markers or surrounding spaces. */
  body: string;
  /** 1-based line of the opening `{{`. */
  line: number;
  comment: boolean;
}

export interface Lexed {
  actions: Action[];
  /** Problems found while lexing: an unclosed action or comment, a stray `}}` in text. */
  errors: string[];
}

export function lexTemplate(source: string): Lexed {
  const actions: Action[] = [];
  const errors: string[] = [];
  const lineAt = (index: number) => source.slice(0, index).split('\n').length;
  let pos = 0;
  for (;;) {
    const open = source.indexOf('{{', pos);
    const text = source.slice(pos, open === -1 ? undefined : open);
    const stray = text.indexOf('}}');
    if (stray !== -1) errors.push(`line ${lineAt(pos + stray)}: '}}' without an opening '{{'`);
    if (open === -1) break;
    let i = open + 2;
    if (source.startsWith('- ', i)) i += 2;
    // A comment sits right inside the delimiters: `{{/* ... */}}` or `{{- /* ... */ -}}`.
    if (source.startsWith('/*', i)) {
      const close = source.indexOf('*/', i + 2);
      const tail = close === -1 ? null : /^( -)?\}\}/.exec(source.slice(close + 2));
      if (!tail) {
        errors.push(`line ${lineAt(open)}: comment not closed with '*/}}'`);
        break;
      }
      actions.push({ body: source.slice(i, close + 2), line: lineAt(open), comment: true });
      pos = close + 2 + tail[0].length;
      continue;
    }
    // Scan for `}}` outside "..." and `...` string literals (and '...' rune literals).
    let quote: string | null = null;
    let j = i;
    for (; j < source.length; j++) {
      const c = source[j];
      if (quote) {
        if (c === '\\' && quote !== '`') j++;
        else if (c === quote) quote = null;
      } else if (c === '"' || c === '`' || c === "'") quote = c;
      else if (c === '}' && source[j + 1] === '}') break;
    }
    if (j >= source.length) {
      errors.push(`line ${lineAt(open)}: '{{' not closed`);
      break;
    }
    let body = source.slice(i, j);
    if (body.endsWith(' -')) body = body.slice(0, -2);
    actions.push({ body: body.trim(), line: lineAt(open), comment: false });
    pos = j + 2;
  }
  return { actions, errors };
}

/** The action body with string literals blanked, so words inside strings are not read as code. */
export const withoutStrings = (body: string) =>
  body.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'/g, '""');

/**
 * Structural lint of one template: actions closed, `if|range|with|define|block` matched by `end`,
 * `else` only inside `if|range|with`, `define` only at the top level.
 */
export function checkStructure(source: string): string[] {
  const { actions, errors } = lexTemplate(source);
  const stack: { keyword: string; line: number }[] = [];
  for (const action of actions) {
    if (action.comment) continue;
    const keyword = /^([a-z]+)\b/.exec(withoutStrings(action.body))?.[1] ?? '';
    switch (keyword) {
      case 'if':
      case 'range':
      case 'with':
      case 'block':
      case 'define':
        if (keyword === 'define' && stack.length > 0)
          errors.push(`line ${action.line}: define inside ${stack[stack.length - 1].keyword}`);
        stack.push({ keyword, line: action.line });
        break;
      case 'else': {
        const top = stack[stack.length - 1];
        if (!top || !['if', 'range', 'with'].includes(top.keyword))
          errors.push(`line ${action.line}: else outside if/range/with`);
        break;
      }
      case 'end':
        if (!stack.pop()) errors.push(`line ${action.line}: end without an open block`);
        break;
      default:
        break;
    }
  }
  for (const open of stack) errors.push(`line ${open.line}: ${open.keyword} never closed by end`);
  return errors;
}

/**
 * Every chart-values path a template reads: `.Values.a.b`, `$.Values.a.b`, `.root.Values.a.b` (the
 * helpers' convention: the root context passed as `root`), and `$v.a.b` after `$v := .Values...`.
 * Relative paths inside `with`/`range` scopes (`.host` under `range .Values.gateway.ingress.hosts`)
 * are not followed: only what resolves from the root values is checked.
 */
export function valuesReferences(source: string): { path: string; line: number }[] {
  const refs: { path: string; line: number }[] = [];
  const aliases = new Map<string, string>();
  const ident = '[A-Za-z_][A-Za-z0-9_]*';
  for (const action of lexTemplate(source).actions) {
    if (action.comment) continue;
    const body = withoutStrings(action.body);
    const assign = new RegExp(
      `^(\\$${ident})\\s*:?=\\s*(?:\\$|\\.root)?\\.Values((?:\\.${ident})*)\\s*$`,
    ).exec(body);
    if (assign) aliases.set(assign[1], assign[2]);
    for (const m of body.matchAll(new RegExp(`\\.Values((?:\\.${ident})+)`, 'g')))
      refs.push({ path: m[1].slice(1), line: action.line });
    for (const m of body.matchAll(new RegExp(`(\\$${ident})((?:\\.${ident})+)`, 'g'))) {
      const base = aliases.get(m[1]);
      if (base !== undefined) refs.push({ path: `${base}${m[2]}`.replace(/^\./, ''), line: action.line });
    }
  }
  return refs;
}

/** Fields a template reads from a variable (`$pool.autoscaling.enabled` → `autoscaling.enabled`). */
export function variableFields(source: string, variable: string): { path: string; line: number }[] {
  const out: { path: string; line: number }[] = [];
  const re = new RegExp(`\\${variable}((?:\\.[A-Za-z_][A-Za-z0-9_]*)+)`, 'g');
  for (const action of lexTemplate(source).actions) {
    if (action.comment) continue;
    for (const m of withoutStrings(action.body).matchAll(re))
      out.push({ path: m[1].slice(1), line: action.line });
  }
  return out;
}

/** The value at a dotted path, or undefined when any step is missing. */
export function valueAt(root: Json, path: string): Json | undefined {
  let node: Json | undefined = root;
  for (const key of path.split('.')) {
    if (!isObject(node) || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

/** The schema node describing a dotted path (following $ref and allOf), or undefined. */
export function schemaAt(schema: JsonObject, path: string): JsonObject | undefined {
  const resolve = (node: JsonObject): JsonObject => {
    const ref = node.$ref;
    if (typeof ref !== 'string') return node;
    const target = valueAt(schema, ref.replace(/^#\//, '').replace(/\//g, '.'));
    if (!isObject(target)) throw new Error(`unresolvable $ref ${ref}`);
    return resolve(target);
  };
  const child = (node: JsonObject, key: string): JsonObject | undefined => {
    const n = resolve(node);
    const props = n.properties;
    if (isObject(props) && isObject(props[key])) return props[key];
    for (const sub of Array.isArray(n.allOf) ? n.allOf : []) {
      const found = isObject(sub) ? child(sub, key) : undefined;
      if (found) return found;
    }
    return undefined;
  };
  let node: JsonObject | undefined = schema;
  for (const key of path.split('.')) {
    node = node && child(node, key);
    if (!node) return undefined;
  }
  return resolve(node);
}

// ---------------------------------------------------------------------------------------------------
// `## @param` documentation (bitnami readme-generator style) and the README table made from it.

export interface Param {
  path: string;
  description: string;
  section: string;
  line: number;
}

export function readParams(file = VALUES_FILE): Param[] {
  const params: Param[] = [];
  let section = '';
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      const sectionMatch = /^\s*## @section (.+)$/.exec(text);
      if (sectionMatch) section = sectionMatch[1].trim();
      const m = /^\s*## @param (\S+)\s+(.+)$/.exec(text);
      if (m) params.push({ path: m[1], description: m[2].trim(), section, line: index + 1 });
    });
  return params;
}

/**
 * Value paths that need a `@param`: every key whose value is a scalar, a list or an empty map, and
 * every map documented as a whole by its own `@param` (its keys then need none).
 */
export function documentablePaths(values: JsonObject, documented: Set<string>, prefix = ''): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!documented.has(path) && isObject(value) && Object.keys(value).length > 0)
      return documentablePaths(value, documented, path);
    return [path];
  });
}

/** How the README shows a default: strings bare (`""` when empty), the rest as compact JSON. */
export function formatDefault(value: Json | undefined): string {
  if (typeof value === 'string') return value === '' ? '""' : value;
  return JSON.stringify(value ?? null);
}

export interface ParamRow {
  name: string;
  description: string;
  value: string;
}

const escapeCell = (s: string) => s.replace(/\|/g, '\\|');

/** The README parameters section: one `###` heading and table per `@section`, in values.yaml order. */
export function renderParamsTable(params: Param[], values: JsonObject): string {
  const out: string[] = [];
  let section: string | undefined;
  for (const p of params) {
    if (p.section !== section) {
      section = p.section;
      out.push('', `### ${section}`, '', '| Name | Description | Value |', '| ---- | ----------- | ----- |');
    }
    out.push(
      `| \`${p.path}\` | ${escapeCell(p.description)} | \`${escapeCell(formatDefault(valueAt(values, p.path)))}\` |`,
    );
  }
  return out.join('\n').trim();
}

export const PARAMS_START = '<!-- parameters:start (generated from the ## @param lines of values.yaml) -->';
export const PARAMS_END = '<!-- parameters:end -->';

/** The rows of the README's parameters tables (whatever the column padding prettier chose). */
export function readmeRows(readme: string): ParamRow[] {
  const start = readme.indexOf(PARAMS_START);
  const end = readme.indexOf(PARAMS_END);
  if (start === -1 || end === -1) throw new Error('README.md has no parameters markers');
  return readme
    .slice(start + PARAMS_START.length, end)
    .split('\n')
    .filter((line) => /^\|\s*`/.test(line))
    .map((line) => {
      const cells = line
        .slice(1, line.lastIndexOf('|'))
        .split(/(?<!\\)\|/)
        .map((c) => c.trim().replace(/\\\|/g, '|'));
      const code = (c: string) => c.replace(/^`|`$/g, '');
      return { name: code(cells[0]), description: cells[1], value: code(cells[2]) };
    });
}

/** Re-exported so specs parse YAML the same way. */
export { parseYaml };
