/**
 * What an App Services JSON expression (reference §3.3, `can_evaluate`) can see. Every field is
 * optional: an expansion of a missing part resolves to `undefined`, which then fails any comparison.
 */
export interface ExpressionContext {
  /** `%%request` (reference §2.6 `context.request`). */
  request?: ExpressionRequest;
  /** `%%user`: `{id, type, data, custom_data, identities}`. */
  user?: Record<string, unknown>;
  /** `%%values`: the app's values, secret-backed ones resolved. */
  values?: Record<string, unknown>;
  /** `%%environment`: `{tag, values}`. */
  environment?: { tag: string; values: Record<string, unknown> };
  /** `%%args`: the arguments of the call; plain field names are looked up here first. */
  args?: unknown;
  /** `%%root`: the document a rule is about; plain field names fall back to it. */
  root?: unknown;
  /**
   * Runs an app function for `%function` and resolves to its return value. Absent where functions
   * cannot run: `%function` then fails the expression (it never passes by default).
   */
  callFunction?: (name: string, args: unknown[]) => Promise<unknown>;
}

/** `%%request` (reference §3.3): header names are matched case-insensitively (§7.6). */
export interface ExpressionRequest {
  httpMethod: string;
  httpReferrer: string;
  httpUserAgent: string;
  rawQueryString: string;
  remoteIPAddress: string;
  requestHeaders: Record<string, string[]>;
  service: string;
  action: string;
  webhookUrl: string;
}

/**
 * An expression that cannot be evaluated: an unknown operator or expansion, or an operand of the wrong
 * shape. Deployments reject such expressions up front (`expressionIssues`); at run time the request is
 * denied, never let through.
 */
export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}
