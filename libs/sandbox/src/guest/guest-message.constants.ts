/**
 * Message kinds crossing the one bridge between an engine and the guest runtime. The runtime gets
 * this object as an argument (it cannot import), so host and guest share one definition.
 *
 * host → guest, through the runtime's `dispatch(kind, id, aux, text, data)`:
 * - `Invoke`: id = invocation id, text = `GuestJobCore` JSON + "\n" + `GuestJobDetail` JSON,
 *   data = body bytes. `dispatch` returns the `Done` text (`head` or `head + "\n" + body`) when the
 *   invocation finished before it returned, saving a bridge call on the hot path.
 * - `HostReply` / `HostError`: id = invocation id, aux = call id, text = EJSON result / error message.
 * - `Collect`: id = invocation id. Returns the `Done` text the last `Invoke` of that id returned,
 *   once. An engine asks for it when its call threw after `dispatch` had returned (isolated-vm
 *   rethrows a promise rejection the guest left unhandled), so a computed result is not lost.
 *
 * guest → host, through `bridge(kind, id, aux, text, data)`:
 * - `Done`: id = invocation id, text = result head JSON (see `GuestResultHead`), data = body
 *   (a string, encoded UTF-8 by the host, or bytes).
 * - `HostCall`: id = invocation id, aux = call id (per invocation), text = op, data = EJSON args.
 * - `SyncCall`: id = invocation id (0 outside one), text = op, data = JSON args. Answered by the
 *   sandbox host process itself, synchronously: the bridge RETURNS `"1" + result JSON` or
 *   `"0" + error message` (every engine hands the bridge's return value back to the guest). For what
 *   App Services offers synchronously: `utils.crypto`, `utils.jwt`, `require` (host/sync-calls.ts).
 */
export const GuestMessage = {
  Invoke: 1,
  HostReply: 2,
  HostError: 3,
  Collect: 4,
  Done: 11,
  HostCall: 12,
  SyncCall: 13,
} as const;
export type GuestMessages = typeof GuestMessage;

/** The result head a guest sends with `Done`: either `s`/`h` (a response) or `e` (a failure). */
export interface GuestResultHead {
  /** Status. */
  s?: number;
  /** Headers as the function set them. */
  h?: Record<string, string[]>;
  /** Failure. */
  e?: { code: string; message: string };
  /** Console lines. */
  l: string[];
}

/** The part of a job the guest needs for every invocation (parsed eagerly). */
export interface GuestJobCore {
  /** Function name. */
  f: string;
  /** Response format of a returned value. */
  fmt: 'JSON' | 'EJSON';
  /** `respond_result`. */
  rr: boolean;
  /** Set for a legacy webhook: the response object, once used, wins over the return value. */
  wh?: 1;
  /** `context.runningAsSystem()`. */
  sys: boolean;
  /** Set when the worker already ran the function's run-as script: `sys` and the user stand. */
  ud?: 1;
  /** Request body length (bytes travel separately), or null: `request.body` is undefined. */
  b: number | null;
  /** `request.headers` (MIME-canonical keys, value arrays). */
  h: Record<string, string[]>;
  /** `request.query`. */
  q: Record<string, string>;
}

/** The rest of a job, parsed when the function first reads `context.user` or `context.request`. */
export interface GuestJobDetail {
  request: { method: string; route: string; rawQueryString: string; remoteIPAddress: string };
  endpoint: { route: string; httpMethod: string };
  user: Record<string, unknown>;
}

/** Host side of the bridge, as the guest calls it. */
export type GuestBridgeFn = (
  kind: number,
  id: number,
  aux: number,
  text: string,
  data?: string | Uint8Array,
) => string | undefined;
/** Guest side of the bridge, as the engine calls it. */
export type GuestDispatchFn = (
  kind: number,
  id: number,
  aux: number,
  text: string,
  data?: Uint8Array,
) => string | undefined;
