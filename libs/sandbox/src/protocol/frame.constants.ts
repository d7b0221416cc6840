/**
 * Frame types on the pool ↔ host pipe (stdio index 3, a Unix socket pair).
 * `id` is the pool-wide invocation id; `aux` is the app version or the host-call id.
 */
export const FrameType = {
  /** host → pool: started, engine loaded. */
  Ready: 1,
  /** pool → host: load app version `aux`; head = the FunctionBundle as JSON. */
  Load: 2,
  /** pool → host: dispose app version `aux` (no invocation of it is in flight). */
  Unload: 3,
  /** pool → host: dispose every version (the host now serves another app). */
  Reset: 4,
  /** pool → host: run invocation `id` on version `aux`; head = job JSON, body = request body bytes. */
  Invoke: 5,
  /** pool → host: host call `aux` of invocation `id` resolved; body = canonical EJSON. */
  HostReply: 6,
  /** pool → host: host call `aux` of invocation `id` failed; body = message. */
  HostError: 7,
  /** host → pool: invocation `id` finished; head = result JSON, body = response body bytes. */
  Done: 8,
  /** host → pool: invocation `id` calls out; aux = call id, head = op, body = canonical EJSON args. */
  HostCall: 9,
  /** host → pool: the host cannot go on (e.g. an isolate hit its memory limit); head = `{code, message}`. */
  Fatal: 10,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** u32 length (of what follows) + u8 type + u32 id + u32 aux + u32 head length. */
export const FRAME_HEADER_BYTES = 17;

/** Larger frames are a protocol error (the request body limit is at most 1 GiB). */
export const MAX_FRAME_BYTES = 1.5 * 1024 * 1024 * 1024;
