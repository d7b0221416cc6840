import { GUEST_RUNTIME_GLOBALS, nonStandardGlobals } from '../testing/sandbox.fixtures';
import { VM } from 'vm2';
import { GuestMessage } from '../guest/guest-message.constants';
import { collectGarbage } from './collect-garbage';
import { EngineFault } from './sandbox-engine.port';
import { vm2BridgeAdapter, type Vm2Dispatch, type Vm2HostBridge } from './vm2-bridge.runtime';
import { Vm2Engine } from './vm2.engine';

/**
 * The vm2 engine inside this test process (no host process, no memory watchdog): what the guest's
 * global object holds, how bytes and the bridge's return value cross vm2's membrane. The pool and
 * escape specs run it through real host processes.
 */

type Sent = [number, number, number, string, (string | Uint8Array)?];

function environment(functions: Record<string, string>) {
  const sent: Sent[] = [];
  const bundle = {
    appId: 'vm2-abcde',
    appName: 'vm2',
    created_at: '2026-01-01T00:00:00Z',
    functions: Object.fromEntries(
      Object.entries(functions).map(([name, source]) => [name, { source, private: false }]),
    ),
    values: {},
    environment: { tag: '', values: {} },
    services: [],
    limits: { memory_mb: 64 },
  };
  const env = new Vm2Engine({ watchdog: false }).createEnvironment({
    memoryMb: 64,
    bundleJson: JSON.stringify(bundle),
    bridge: (...args) => {
      sent.push(args);
      return undefined;
    },
  });
  return { env, sent };
}

const job = (f: string, bodyLength: number | null = null): string =>
  `${JSON.stringify({ f, fmt: 'JSON', rr: true, sys: false, b: bodyLength, h: {}, q: {} })}\n{}`;

/** `Done` is sent once the guest's microtasks have run (a macrotask later). */
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Vm2Engine', () => {
  it('leaves the guest only ECMAScript plus the guest runtime’s globals (BSON, EJSON, Buffer, utils, text codecs)', async () => {
    const { env, sent } = environment({
      globals: 'exports = () => Object.getOwnPropertyNames(Function("return this")());',
    });
    env.dispatch(GuestMessage.Invoke, 1, 0, job('globals'));
    await settled();
    const names = JSON.parse(String(sent[0][4])) as string[];
    // `Buffer` is the guest runtime's own (the browser build, installed lazily), not vm2's host Buffer,
    // which the engine deletes: the escape suite checks that no host Buffer is reachable.
    expect(nonStandardGlobals(names)).toEqual([...GUEST_RUNTIME_GLOBALS]);
  });

  it('gives no later guest the gc function the engine takes for its memory checks', async () => {
    collectGarbage();
    const { env, sent } = environment({ gc: 'exports = () => typeof Function("return this")().gc;' });
    env.dispatch(GuestMessage.Invoke, 2, 0, job('gc'));
    await settled();
    expect(sent[0][4]).toBe('"undefined"');
  });

  it('carries every byte value both ways, as a Uint8Array of the receiving realm', async () => {
    const { env, sent } = environment({
      echo: 'exports = (request, response) => { response.setBody(request.body); };',
    });
    const bytes = Uint8Array.from({ length: 256 * 3 }, (_, i) => i % 256);
    env.dispatch(GuestMessage.Invoke, 7, 0, job('echo', bytes.length), bytes);
    await settled();
    expect(sent).toHaveLength(1);
    const [kind, id, , head, body] = sent[0];
    expect([kind, id]).toEqual([GuestMessage.Done, 7]);
    expect(JSON.parse(head)).toMatchObject({ s: 200 });
    expect(body).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(body as Uint8Array).equals(Buffer.from(bytes))).toBe(true);
  });

  it('splits a returned Done text at the first newline only', async () => {
    const { env, sent } = environment({ lines: 'exports = () => "a\\nb";' });
    env.dispatch(GuestMessage.Invoke, 3, 0, job('lines'));
    await settled();
    expect(sent[0][4]).toBe('"a\\nb"');
  });

  it('refuses dispatch after dispose with an EngineFault', () => {
    const { env } = environment({ hello: 'exports = () => 1;' });
    env.dispose();
    expect(() => env.dispatch(GuestMessage.Invoke, 1, 0, job('hello'))).toThrow(EngineFault);
  });
});

describe('vm2BridgeAdapter inside a vm2 VM', () => {
  /** A stand-in guest runtime: each dispatch makes one bridge call and returns what the bridge answered. */
  const BOOT = `(function boot(bridge) {
    return function (kind, id, aux, text, data) {
      const answer = bridge(kind, id, aux, text, data === undefined ? text : data);
      return typeof answer + ":" + String(answer) + ":" + (data === undefined ? "" : data.constructor.name + data.length);
    };
  })`;

  function start(hostBridge: Vm2HostBridge): Vm2Dispatch {
    const vm = new VM({ eval: true, wasm: false, allowAsync: true });
    const boot: unknown = vm.run(BOOT);
    const adapter = vm.run(`(${vm2BridgeAdapter.toString()})`) as (
      boot: unknown,
    ) => (hostBridge: Vm2HostBridge, bundleJson: string, messagesJson: string) => Vm2Dispatch;
    return adapter(boot)(hostBridge, '{}', '{}');
  }

  it("returns the host bridge's value to the guest synchronously, by value", () => {
    const calls: unknown[][] = [];
    const dispatch = start((...args) => {
      calls.push(args);
      return `answer to ${args[3]}`;
    });
    expect(dispatch(GuestMessage.Invoke, 1, 2, 'sync-op')).toBe('string:answer to sync-op:');
    expect(calls).toEqual([[GuestMessage.Invoke, 1, 2, 'sync-op', 'sync-op', 0]]);
  });

  it('hands bytes in as a guest Uint8Array and out as a latin1 string flagged binary', () => {
    const calls: unknown[][] = [];
    const dispatch = start((...args) => {
      calls.push(args);
      return undefined;
    });
    expect(dispatch(GuestMessage.Invoke, 1, 0, 'bytes', '\u0000\u00ff\u0080')).toBe(
      'undefined:undefined:Uint8Array3',
    );
    expect(calls).toEqual([[GuestMessage.Invoke, 1, 0, 'bytes', '\u0000\u00ff\u0080', 1]]);
  });
});
