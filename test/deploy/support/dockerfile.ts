import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './deploy-files';

/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  keyword: string;
  args: string;
}

/** A build stage: its base image (ARGs resolved), its name, and its instructions after FROM. */
export interface Stage {
  base: string;
  name: string | undefined;
  instructions: Instruction[];
}

/**
 * Parses a Dockerfile into stages: comment lines dropped (also inside continuations, as BuildKit does),
 * `\` continuations joined, `${ARG}` in FROM resolved from the ARGs declared before the first FROM.
 */
export function parseDockerfile(path: string): Stage[] {
  const lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
  const instructions: Instruction[] = [];
  let pending = '';
  for (const raw of lines) {
    if (/^\s*#/.test(raw)) continue;
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (!full) continue;
    const [, keyword, args] = /^(\S+)\s*(.*)$/s.exec(full)!;
    instructions.push({ keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, ' ') });
  }
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const [image, as, name] = ins.args.split(' ').filter((a) => !a.startsWith('--'));
      const base = image.replace(/\$\{?(\w+)\}?/g, (_m, v: string) => globalArgs[v] ?? '');
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') {
        const [k, v = ''] = ins.args.split('=');
        globalArgs[k] = v;
      }
    } else {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return stages;
}

/** `ENV A=1 B="two"` → { A: '1', B: 'two' } (the key=value form only). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const ins of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    for (const m of ins.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1]] = m[2].replace(/^"|"$/g, '');
  }
  return env;
}

/**
 * Whether `.dockerignore` keeps `path` out of the build context: Docker's rules — patterns are matched
 * against the path and each of its parent directories, `*` stays within one segment, `**` spans any,
 * a leading `!` re-includes, and the last matching pattern wins.
 */
export function dockerIgnored(path: string, dockerignore = '.dockerignore'): boolean {
  const patterns = readFileSync(join(ROOT, dockerignore), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const toRegExp = (glob: string) =>
    new RegExp(
      `^${glob
        .replace(/^\/+|\/+$/g, '')
        .split(/(\*\*\/?|\*|\?)/)
        .map((part) => {
          if (part === '**/') return '(?:.*/)?';
          if (part === '**') return '.*';
          if (part === '*') return '[^/]*';
          if (part === '?') return '[^/]';
          return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
        })
        .join('')}$`,
    );
  const segments = path.split('/');
  const candidates = segments.map((_s, i) => segments.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const re = toRegExp(negated ? pattern.slice(1) : pattern);
    if (candidates.some((c) => re.test(c))) ignored = !negated;
  }
  return ignored;
}
