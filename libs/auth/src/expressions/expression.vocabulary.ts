/**
 * The vocabulary of App Services JSON expressions (DAS:source/rules/expressions.txt, reference §3.3).
 * Only what applies outside MongoDB rules: `%%this`, `%%prev`, `%%prevRoot` and `%%partition` are for
 * data-access rules and sync, which Portico does not evaluate.
 */

/** `%%<name>` roots an expansion may start with. `%%true`/`%%false` are whole expansions. */
export const EXPANSION_ROOTS = ['request', 'user', 'values', 'environment', 'args', 'root'] as const;
export type ExpansionRoot = (typeof EXPANSION_ROOTS)[number];

/** Operators that test the value of the field they are assigned to (MongoDB query semantics, via mingo). */
export const COMPARISON_OPERATORS = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin'] as const;

/** Operators that test whether the field has a value; `%exists` appears in the docs' own examples. */
export const EXISTENCE_OPERATORS = ['$exists', '%exists'] as const;

/** Operators combining several conditions (on a field, or whole expressions at the top). */
export const LOGICAL_OPERATORS = ['%and', '%or'] as const;

/** Operators that produce a value, which the field must then equal. */
export const VALUE_OPERATORS = [
  '%function',
  '%stringToOid',
  '%oidToString',
  '%stringToUuid',
  '%uuidToString',
] as const;

const ALL_OPERATORS: ReadonlySet<string> = new Set([
  ...COMPARISON_OPERATORS,
  ...EXISTENCE_OPERATORS,
  ...LOGICAL_OPERATORS,
  ...VALUE_OPERATORS,
]);

/** A key that names an operator (`$…` or a single `%…`), as opposed to an expansion (`%%…`) or a field. */
export const isOperatorKey = (key: string): boolean =>
  key.startsWith('$') || (key.startsWith('%') && !key.startsWith('%%'));

export const isKnownOperator = (key: string): boolean => ALL_OPERATORS.has(key);

export const isExpansion = (value: unknown): value is string =>
  typeof value === 'string' && value.startsWith('%%');

// Realm-independent: a JSON object from another realm (structuredClone under jest's vm contexts, a
// worker's message) has that realm's Object.prototype, whose own prototype is null like ours.
export const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
};
