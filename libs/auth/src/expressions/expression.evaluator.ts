import { Binary, ObjectId, UUID } from 'bson';
import { Query } from 'mingo';
import { resolveExpansion, walkPath } from './expansion.resolver';
import { ExpressionError, type ExpressionContext } from './expression.types';
import { isExpansion, isOperatorKey, isPlainObject } from './expression.vocabulary';

/**
 * Evaluates an App Services JSON expression (reference §3.3; DAS:source/rules/expressions.txt) to a
 * boolean. Pure apart from `%function`, which calls back through `ctx.callFunction`.
 *
 * - An expression is a boolean or an object; `{}` is true; the fields of an object are ANDed.
 * - A field name is an expansion (`%%user.id`), `%and`/`%or` (a list of expressions), or a plain field
 *   looked up in `%%args`, then `%%root`.
 * - A field value is a literal (expansions inside it are resolved) that the field must equal, an
 *   operator object (`{"$in": "%%values.ids"}`, `{"%stringToOid": "%%user.id"}`), or an embedded
 *   expression whose boolean result the field must equal (`{"%%true": {"%%user.type": "server"}}`).
 * - Equality and ordering are MongoDB's query semantics (mingo): a field holding an array matches a
 *   value it contains, so `{"%%request.requestHeaders.x-secret-key": "my-secret"}` matches the header
 *   value array `["my-secret"]` as the docs' example requires.
 *
 * Throws ExpressionError for what cannot be evaluated; callers deny the request then.
 */
export async function evaluateExpression(expression: unknown, ctx: ExpressionContext): Promise<boolean> {
  if (typeof expression === 'boolean') return expression;
  if (expression === '%%true' || expression === '%%false') return expression === '%%true';
  if (!isPlainObject(expression)) throw new ExpressionError('an expression must be a boolean or an object');
  for (const [key, spec] of Object.entries(expression)) {
    if (!(await evaluateField(key, spec, ctx))) return false;
  }
  return true;
}

async function evaluateField(key: string, spec: unknown, ctx: ExpressionContext): Promise<boolean> {
  if (key === '%and' || key === '%or') {
    const items = listOperand(key, spec);
    for (const item of items) {
      const passed = await evaluateExpression(item, ctx);
      if (key === '%or' ? passed : !passed) return passed;
    }
    return key === '%and';
  }
  if (isOperatorKey(key)) throw new ExpressionError(`operator '${key}' cannot stand in for a field`);
  const value = isExpansion(key) ? resolveExpansion(key, ctx) : plainField(key, ctx);
  return matches(value, spec, ctx);
}

/** A plain field name checks `%%args`, then `%%root`, as App Services does. */
function plainField(path: string, ctx: ExpressionContext): unknown {
  const segments = path.split('.');
  const fromArgs = walkPath(ctx.args, segments);
  return fromArgs !== undefined ? fromArgs : walkPath(ctx.root, segments);
}

/** Whether `value` satisfies a field's spec (literal, operator object or embedded expression). */
async function matches(value: unknown, spec: unknown, ctx: ExpressionContext): Promise<boolean> {
  if (isPlainObject(spec)) {
    const keys = Object.keys(spec);
    if (keys.length > 0 && keys.every(isOperatorKey)) {
      for (const op of keys) if (!(await applyOperator(op, value, spec[op], ctx))) return false;
      return true;
    }
    if (keys.some(isExpansion)) return mongoEquals(value, await evaluateExpression(spec, ctx));
  }
  return mongoEquals(value, await expandValue(spec, ctx));
}

async function applyOperator(
  op: string,
  value: unknown,
  arg: unknown,
  ctx: ExpressionContext,
): Promise<boolean> {
  switch (op) {
    case '%and':
    case '%or': {
      for (const item of listOperand(op, arg)) {
        const passed = await matches(value, item, ctx);
        if (op === '%or' ? passed : !passed) return passed;
      }
      return op === '%and';
    }
    case '$exists':
    case '%exists':
      return (value !== undefined) === Boolean(await expandValue(arg, ctx));
    case '$in':
    case '$nin': {
      const list = await expandValue(arg, ctx);
      // A list that resolves to anything but an array (e.g. a missing value) fails the test: deny.
      if (!Array.isArray(list)) return false;
      return mongoTest(value, { [op]: list });
    }
    case '$eq':
    case '$ne':
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return mongoTest(value, { [op]: await expandValue(arg, ctx) });
    case '%function':
    case '%stringToOid':
    case '%oidToString':
    case '%stringToUuid':
    case '%uuidToString':
      return mongoEquals(value, await produce(op, arg, ctx));
    default:
      throw new ExpressionError(`unknown operator '${op}'`);
  }
}

/** A literal with every expansion (and value operator) inside it replaced by its runtime value. */
async function expandValue(value: unknown, ctx: ExpressionContext): Promise<unknown> {
  if (isExpansion(value)) return resolveExpansion(value, ctx);
  if (Array.isArray(value)) return Promise.all(value.map((v) => expandValue(v, ctx)));
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && isOperatorKey(keys[0])) return produce(keys[0], value[keys[0]], ctx);
    const out: Record<string, unknown> = {};
    for (const key of keys) out[key] = await expandValue(value[key], ctx);
    return out;
  }
  return value;
}

/** The value a value operator stands for. The conversions take a literal or an expansion, nothing nested. */
async function produce(op: string, arg: unknown, ctx: ExpressionContext): Promise<unknown> {
  switch (op) {
    case '%function':
      return callFunction(arg, ctx);
    case '%stringToOid': {
      const input = isExpansion(arg) ? resolveExpansion(arg, ctx) : arg;
      if (input instanceof ObjectId) return input;
      if (typeof input === 'string' && ObjectId.isValid(input)) return new ObjectId(input);
      throw new ExpressionError('%stringToOid needs a 12-byte or 24-hex-digit string');
    }
    case '%oidToString': {
      const input = isExpansion(arg) ? resolveExpansion(arg, ctx) : arg;
      if (input instanceof ObjectId) return input.toHexString();
      if (isPlainObject(input) && typeof input.$oid === 'string') return input.$oid;
      if (typeof input === 'string' && ObjectId.isValid(input)) return input;
      throw new ExpressionError('%oidToString needs an ObjectId');
    }
    case '%stringToUuid': {
      const input = isExpansion(arg) ? resolveExpansion(arg, ctx) : arg;
      if (typeof input === 'string' && UUID.isValid(input)) return new UUID(input);
      throw new ExpressionError('%stringToUuid needs a UUID string');
    }
    case '%uuidToString': {
      const input = isExpansion(arg) ? resolveExpansion(arg, ctx) : arg;
      if (input instanceof Binary && input.sub_type === Binary.SUBTYPE_UUID)
        return input.toUUID().toHexString(true);
      if (typeof input === 'string' && UUID.isValid(input)) return input;
      throw new ExpressionError('%uuidToString needs a UUID');
    }
    default:
      throw new ExpressionError(`unknown operator '${op}'`);
  }
}

async function callFunction(arg: unknown, ctx: ExpressionContext): Promise<unknown> {
  if (!isPlainObject(arg) || typeof arg.name !== 'string')
    throw new ExpressionError('%function needs {"name": "<function>", "arguments": [...]}');
  const args = arg.arguments === undefined ? [] : await expandValue(arg.arguments, ctx);
  if (!Array.isArray(args)) throw new ExpressionError('%function arguments must be an array');
  if (ctx.callFunction === undefined)
    throw new ExpressionError('%function cannot be evaluated here: functions cannot run in this context');
  return ctx.callFunction(arg.name, args);
}

function listOperand(op: string, operand: unknown): unknown[] {
  if (!Array.isArray(operand)) throw new ExpressionError(`${op} needs an array`);
  return operand;
}

/** MongoDB query semantics for one value, by mingo (CONVENTIONS: no hand-written ordering). */
function mongoTest(value: unknown, condition: Record<string, unknown>): boolean {
  return new Query({ v: condition }).test({ v: value });
}

const mongoEquals = (value: unknown, expected: unknown): boolean => mongoTest(value, { $eq: expected });
