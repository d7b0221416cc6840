import type { GuestBridgeFn, GuestDispatchFn } from '../guest/guest-message.constants';

/** The guest runtime's `boot` (see guest-script.ts), as the adapter receives it inside the VM. */
type GuestBoot = (bridge: GuestBridgeFn, bundleJson: string, messages: unknown) => GuestDispatchFn;

/** The host's side of the bridge under vm2: bytes arrive as a latin1 string with `binary` = 1. */
export type Vm2HostBridge = (
  kind: number,
  id: number,
  aux: number,
  text: string,
  data: string | undefined,
  binary: number,
) => string | undefined;

/** `dispatch` as the vm2 engine calls it: a body arrives as a latin1 string. */
export type Vm2Dispatch = (
  kind: number,
  id: number,
  aux: number,
  text: string,
  data?: string,
) => string | undefined;

/**
 * Wraps the guest runtime's `boot` so that only primitives cross vm2's bridge. vm2 hands objects
 * over as membrane proxies: every access to a host `Uint8Array` from the guest (or the other way
 * round) would be a proxy trap per byte, and a proxied object keeps a path to the other realm. So
 * bytes travel as latin1 strings (one char per byte) and are rebuilt as a `Uint8Array` of the realm
 * that reads them; the message kinds arrive as JSON. The bridge's return value (a string or
 * undefined) reaches the guest as is, synchronously, like isolated-vm's `ivm.Callback`.
 *
 * GUEST CODE: serialized with `Function.prototype.toString` and evaluated inside the VM, so it
 * references nothing outside its body. Built-ins are captured before tenant code runs.
 */
export function vm2BridgeAdapter(
  boot: GuestBoot,
): (hostBridge: Vm2HostBridge, bundleJson: string, messagesJson: string) => Vm2Dispatch {
  'use strict';
  const U8 = Uint8Array;
  const apply = Reflect.apply;
  const fromCharCode = String.fromCharCode;
  // Captured unbound on purpose: applied with `Reflect.apply`, so tenant code replacing them later
  // cannot change how bodies are copied.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const charCodeAt = String.prototype.charCodeAt;
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const subarray = Uint8Array.prototype.subarray;
  const parse = JSON.parse;
  /** Below V8's argument count limit for `fromCharCode.apply`. */
  const CHUNK = 8192;

  function toLatin1(bytes: Uint8Array): string {
    let out = '';
    const n = bytes.length;
    for (let i = 0; i < n; i += CHUNK)
      out += apply(fromCharCode, null, apply(subarray, bytes, [i, i + CHUNK]) as unknown as number[]);
    return out;
  }

  function fromLatin1(text: string): Uint8Array {
    const n = text.length;
    const bytes = new U8(n);
    for (let i = 0; i < n; i++) bytes[i] = apply(charCodeAt, text, [i]);
    return bytes;
  }

  return function start(hostBridge, bundleJson, messagesJson) {
    const bridge: GuestBridgeFn = (kind, id, aux, text, data) => {
      if (data !== null && typeof data === 'object')
        return hostBridge(kind, id, aux, text, toLatin1(data), 1);
      return hostBridge(kind, id, aux, text, data, 0);
    };
    const dispatch = boot(bridge, bundleJson, parse(messagesJson));
    return (kind, id, aux, text, data) =>
      dispatch(kind, id, aux, text, data === undefined ? undefined : fromLatin1(data));
  };
}
