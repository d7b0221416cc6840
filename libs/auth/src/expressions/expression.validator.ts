import { expansionRoot } from './expansion.resolver';
import {
  isExpansion,
  isKnownOperator,
  isOperatorKey,
  isPlainObject,
  VALUE_OPERATORS,
} from './expression.vocabulary';

const VALUE_OPS: ReadonlySet<string> = new Set(VALUE_OPERATORS);

/** One problem of an expression: where (a dotted path from the expression's own path) and what. */
export interface ExpressionIssue {
  path: string;
  message: string;
}

const issue = (path: string, message: string): ExpressionIssue => ({ path, message });

/**
 * Problems of an expression (empty when it is fine): unknown operators
 * or expansions, operands of the wrong shape. Deployments refuse expressions with problems, so a typo
 * is reported when the app is deployed, not as a denied request later (reference §3.3).
 */
export function expressionIssues(expression: unknown, path = 'can_evaluate'): ExpressionIssue[] {
  const issues: ExpressionIssue[] = [];
  checkExpression(expression, path, issues);
  return issues;
}

function checkExpansion(value: string, path: string, issues: ExpressionIssue[]): void {
  if (value === '%%true' || value === '%%false') return;
  if (expansionRoot(value) === undefined) issues.push(issue(path, `unknown expansion '${value}'`));
}

function checkExpression(expression: unknown, path: string, issues: ExpressionIssue[]): void {
  if (typeof expression === 'boolean' || expression === '%%true' || expression === '%%false') return;
  if (!isPlainObject(expression)) {
    issues.push(issue(path, `an expression must be a boolean or an object`));
    return;
  }
  for (const [key, spec] of Object.entries(expression)) {
    const at = `${path}.${key}`;
    if (key === '%and' || key === '%or') {
      if (!Array.isArray(spec)) issues.push(issue(at, `needs an array of expressions`));
      else spec.forEach((item, i) => checkExpression(item, `${at}.${i}`, issues));
      continue;
    }
    if (isOperatorKey(key)) {
      issues.push(
        issue(
          at,
          isKnownOperator(key)
            ? `operator '${key}' cannot stand in for a field`
            : `unknown operator '${key}'`,
        ),
      );
      continue;
    }
    if (isExpansion(key)) checkExpansion(key, at, issues);
    checkSpec(spec, at, issues);
  }
}

/** A field's value: literal, operator object or embedded expression. */
function checkSpec(spec: unknown, path: string, issues: ExpressionIssue[]): void {
  if (!isPlainObject(spec)) {
    checkLiteral(spec, path, issues);
    return;
  }
  const keys = Object.keys(spec);
  const operators = keys.filter(isOperatorKey);
  if (operators.length > 0 && operators.length < keys.length) {
    issues.push(issue(path, `mixes operators with field names`));
    return;
  }
  if (operators.length === 0) {
    if (keys.some(isExpansion)) checkExpression(spec, path, issues);
    else checkLiteral(spec, path, issues);
    return;
  }
  for (const op of operators) checkOperator(op, spec[op], `${path}.${op}`, issues);
}

function checkOperator(op: string, arg: unknown, path: string, issues: ExpressionIssue[]): void {
  if (!isKnownOperator(op)) {
    issues.push(issue(path, `unknown operator '${op}'`));
    return;
  }
  switch (op) {
    case '%and':
    case '%or':
      if (!Array.isArray(arg)) issues.push(issue(path, `needs an array`));
      else arg.forEach((item, i) => checkSpec(item, `${path}.${i}`, issues));
      return;
    case '$in':
    case '$nin':
      if (!Array.isArray(arg) && !isExpansion(arg))
        issues.push(issue(path, `needs an array or an expansion`));
      else checkLiteral(arg, path, issues);
      return;
    case '%function':
      if (!isPlainObject(arg) || typeof arg.name !== 'string' || arg.name === '')
        issues.push(issue(path, `needs {"name": "<function>", "arguments": [...]}`));
      else if (arg.arguments !== undefined && !Array.isArray(arg.arguments))
        issues.push(issue(`${path}.arguments`, 'needs an array'));
      else checkLiteral(arg.arguments, `${path}.arguments`, issues);
      return;
    case '%stringToOid':
    case '%oidToString':
    case '%stringToUuid':
    case '%uuidToString':
      // "No inner operations": a literal or an expansion only (DAS:source/rules/expressions.txt).
      if (isPlainObject(arg) && Object.keys(arg).some(isOperatorKey))
        issues.push(issue(path, `takes a literal or an expansion, not another operator`));
      else checkLiteral(arg, path, issues);
      return;
    default:
      checkLiteral(arg, path, issues);
  }
}

/** Expansions inside a literal must be known; a one-key operator object inside it must be a value operator. */
function checkLiteral(value: unknown, path: string, issues: ExpressionIssue[]): void {
  if (isExpansion(value)) checkExpansion(value, path, issues);
  else if (Array.isArray(value)) value.forEach((v, i) => checkLiteral(v, `${path}.${i}`, issues));
  else if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && isOperatorKey(keys[0])) {
      if (!VALUE_OPS.has(keys[0])) issues.push(issue(`${path}.${keys[0]}`, 'unknown or misplaced operator'));
      else checkOperator(keys[0], value[keys[0]], `${path}.${keys[0]}`, issues);
      return;
    }
    for (const [k, v] of Object.entries(value)) checkLiteral(v, `${path}.${k}`, issues);
  }
}
