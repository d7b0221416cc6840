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

/** The value at a dotted path (`a.b`, `list[0].name`), or undefined when any step is missing. */
export function valueAt(root: Json, path: string): Json | undefined {
  let node: Json | undefined = root;
  for (const step of path.split('.')) {
    const [, key, indexes] = /^([^[]*)((?:\[\d+\])*)$/.exec(step) ?? [];
    if (key === undefined || !isObject(node) || !(key in node)) return undefined;
    node = node[key];
    for (const index of indexes.match(/\d+/g) ?? []) {
      if (!Array.isArray(node) || Number(index) >= node.length) return undefined;
      node = node[Number(index)];
    }
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
// `## @param` documentation, with the rules of bitnami's readme-generator-for-helm (so its tool can
// regenerate the README too): `## @param path [modifiers] description`, `## @section Title`,
// `## @extra path description` (an intermediate key, shown without a value), `## @skip path`.

export interface Param {
  kind: 'param' | 'extra' | 'skip';
  path: string;
  modifiers: string[];
  description: string;
  section: string;
  line: number;
}

export const readParams = (file = VALUES_FILE): Param[] => parseParams(readFileSync(file, 'utf8'));

export function parseParams(valuesText: string): Param[] {
  const params: Param[] = [];
  let section = '';
  valuesText.split('\n').forEach((text, index) => {
    const sectionMatch = /^\s*## @section (.+)$/.exec(text);
    if (sectionMatch) section = sectionMatch[1].trim();
    const m = /^\s*## @(param|extra|skip)\s*(\S+)\s*(\[.*?\])?\s*(.*)$/.exec(text);
    if (!m) return;
    params.push({
      kind: m[1] as Param['kind'],
      path: m[2],
      modifiers: (m[3] ?? '')
        .slice(1, -1)
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
      description: m[4].trim(),
      section,
      line: index + 1,
    });
  });
  return params;
}

/**
 * The value paths that need metadata, as bitnami's tool lists them: maps and lists are walked down to
 * scalars (`list[0].name`), an empty map or list is a value itself, and so is a list of strings.
 */
export function flattenValues(values: Json, prefix = ''): string[] {
  if (Array.isArray(values)) {
    if (values.length === 0 || values.every((v) => typeof v === 'string')) return [prefix];
    return values.flatMap((v, i) => flattenValues(v, `${prefix}[${i}]`));
  }
  if (isObject(values) && Object.keys(values).length > 0)
    return Object.entries(values).flatMap(([key, v]) => flattenValues(v, prefix ? `${prefix}.${key}` : key));
  return [prefix];
}

/**
 * Values without a `@param` and `@param`s without a value. A `@skip` or a `@param` with modifiers
 * covers its key and everything under it; `@extra` lines are descriptions only.
 */
export function checkParams(values: JsonObject, params: Param[]): { missing: string[]; unknown: string[] } {
  const covered = params.filter((p) => p.kind === 'skip' || (p.kind === 'param' && p.modifiers.length > 0));
  const isCovered = (path: string) =>
    covered.some((c) => path === c.path || path.startsWith(`${c.path}.`) || path.startsWith(`${c.path}[`));
  const real = flattenValues(values).filter((path) => !isCovered(path));
  const documented = params.filter((p) => p.kind === 'param' && !isCovered(p.path)).map((p) => p.path);
  return {
    missing: real.filter((path) => !documented.includes(path)),
    unknown: documented.filter((path) => !real.includes(path)),
  };
}

/** How the README shows a default (as bitnami's tool does): `""`, `nil`, JSON for maps and lists. */
export function formatDefault(value: Json | undefined): string {
  if (value === '') return '""';
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export interface ParamRow {
  name: string;
  description: string;
  value: string;
}

/** The rows the README shows, in values.yaml order: every `@param` and `@extra` (the latter valueless). */
export function expectedRows(values: JsonObject, params: Param[]): (ParamRow & { section: string })[] {
  return params
    .filter((p) => p.kind !== 'skip')
    .map((p) => ({
      section: p.section,
      name: p.path,
      description: p.description,
      value: p.kind === 'extra' ? '' : formatDefault(valueAt(values, p.path)),
    }));
}

const escapeCell = (s: string) => s.replace(/\|/g, '\\|');

/** The `## Parameters` section body: one `###` heading and table per `@section`. */
export function renderParamsTable(values: JsonObject, params: Param[]): string {
  const out: string[] = [];
  let section: string | undefined;
  for (const row of expectedRows(values, params)) {
    if (row.section !== section) {
      section = row.section;
      out.push('', `### ${section}`, '', '| Name | Description | Value |', '| ---- | ----------- | ----- |');
    }
    const value = row.value === '' ? '' : `\`${escapeCell(row.value)}\``;
    out.push(`| \`${row.name}\` | ${escapeCell(row.description)} | ${value} |`);
  }
  return out.join('\n').trim();
}

export const PARAMS_HEADING = '## Parameters';

/** Where the generated part of the README is: after `## Parameters`, up to the next `## ` or the end. */
export function paramsSection(readme: string): { start: number; end: number } {
  const heading = readme.indexOf(`\n${PARAMS_HEADING}\n`);
  if (heading === -1) throw new Error(`README.md has no "${PARAMS_HEADING}" section`);
  const start = heading + PARAMS_HEADING.length + 2;
  const next = readme.indexOf('\n## ', start);
  return { start, end: next === -1 ? readme.length : next + 1 };
}

/** The rows of the README's parameters tables (whatever the column padding prettier chose). */
export function readmeRows(readme: string): ParamRow[] {
  const { start, end } = paramsSection(readme);
  return readme
    .slice(start, end)
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
