import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './deploy-files';

/** A manifest object to check, with a label for error messages. */
export interface TypedObject {
  label: string;
  /** Module and exported interface of its kubernetes-models type, e.g. `kubernetes-models/v1/Service`, `IService`. */
  module: string;
  type: string;
  object: unknown;
}

/**
 * Type-checks manifest objects against the kubernetes-models TypeScript interfaces, as object literals,
 * so TypeScript's excess-property check reports every field the API does not have (`replicaz`,
 * `readinessProbes`, a field at the wrong level). The JSON-schema validation of kubernetes-models lets
 * unknown fields through; `kubectl apply` (strict field validation) would reject them.
 * Returns one message per problem, naming the object.
 */
export function unknownFieldProblems(objects: TypedObject[]): string[] {
  const fileName = join(ROOT, 'test', 'deploy', '__manifests__.ts');
  const imports = objects.map((o, i) => `import type { ${o.type} as T${i} } from '${o.module}';`);
  // One object per line, so a diagnostic's line names its object.
  const declarations = objects.map((o, i) => `export const o${i}: T${i} = ${JSON.stringify(o.object)};`);
  const source = [...imports, ...declarations].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === fileName ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  const file = program.getSourceFile(fileName)!;
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((d) => {
    const line = d.start === undefined ? -1 : file.getLineAndCharacterOfPosition(d.start).line;
    const label = line >= imports.length ? objects[line - imports.length].label : 'imports';
    return `${label}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}
