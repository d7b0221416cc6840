import { Script } from 'node:vm';
import type { ImportProblem } from '@portico/contracts';

/**
 * Whether a function source parses, without running it: it is compiled as the body of a function
 * (how App Services functions are written: `exports = …`, `return` allowed) and never executed. The
 * wrapper adds nothing before the first line, so a SyntaxError's line is the file's line.
 */
export function checkFunctionSyntax(source: string, file: string): ImportProblem | undefined {
  try {
    new Script(`(function(){${source}\n})`, { filename: file });
    return undefined;
  } catch (err) {
    // Compared by name: the error may come from another realm (vm), where `instanceof` fails.
    const syntax = err as { name?: unknown; message?: unknown; stack?: unknown } | null;
    if (syntax?.name !== 'SyntaxError') throw err;
    const message = String(syntax.message);
    const stack = typeof syntax.stack === 'string' ? syntax.stack : '';
    const at = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`, 'm').exec(stack);
    return at
      ? { file, line: Number(at[1]), message: `SyntaxError: ${message}` }
      : { file, message: `SyntaxError: ${message}` };
  }
}
