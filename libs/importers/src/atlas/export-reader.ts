import type { ImportProblem } from '@portico/contracts';
import type { z } from 'zod';
import type { FileTree } from '../archive/file-tree';
import { jsonErrorOffset } from './json-error-offset';

/** The line (1-based) of character `position` in `text`. */
export function lineAt(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < position && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Read access to an export's file tree for the parsers, recording what they used (everything else is
 * reported as ignored), the problems that reject the import and the secrets the config names.
 */
export class ExportReader {
  readonly errors: ImportProblem[] = [];
  readonly ignored: { path: string; reason: string }[] = [];
  private readonly used = new Set<string>();
  /** secret name → the config places that name it. */
  readonly secretRefs = new Map<string, string[]>();

  constructor(readonly tree: FileTree) {}

  has(path: string): boolean {
    return this.tree.has(path);
  }

  /** Paths below `prefix` (which ends with `/`), sorted. */
  under(prefix: string): string[] {
    return [...this.tree.keys()].filter((p) => p.startsWith(prefix)).sort();
  }

  /** Marks a file as read without reading it (e.g. one taken over by another parser). */
  use(path: string): void {
    this.used.add(path);
  }

  isUsed(path: string): boolean {
    return this.used.has(path);
  }

  text(path: string): string | undefined {
    const bytes = this.tree.get(path);
    if (bytes === undefined) return undefined;
    this.used.add(path);
    const text = bytes.toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  /** The parsed JSON of `path`; undefined (and an error with its line) when it is not valid JSON. */
  json(path: string): unknown {
    const text = this.text(path);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const offset = jsonErrorOffset(text);
      this.error(path, `invalid JSON: ${message}`, offset === undefined ? undefined : lineAt(text, offset));
      return undefined;
    }
  }

  /** Parses `path` with a schema; each issue becomes an error naming `what` and the field. */
  parse<S extends z.ZodType>(path: string, schema: S, raw: unknown, what = ''): z.output<S> | undefined {
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const field = issue.path.map(String).join('.');
      const where = [what, field].filter(Boolean).join(' ');
      this.error(path, where ? `${where}: ${issue.message}` : issue.message);
    }
    return undefined;
  }

  error(file: string, message: string, line?: number): void {
    this.errors.push(line === undefined ? { file, message } : { file, line, message });
  }

  ignore(path: string, reason: string): void {
    this.used.add(path);
    this.ignored.push({ path, reason });
  }

  referenceSecret(name: string, by: string): void {
    const refs = this.secretRefs.get(name) ?? [];
    if (!refs.includes(by)) refs.push(by);
    this.secretRefs.set(name, refs);
  }

  /** Files no parser used. */
  unused(): string[] {
    return [...this.tree.keys()].filter((p) => !this.used.has(p)).sort();
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
