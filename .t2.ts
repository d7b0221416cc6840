import { Vm2Engine } from './libs/sandbox/src/engine/vm2.engine';
const e = new Vm2Engine();
const out: unknown[] = [];
const bundle = { appId: 'a', appName: 'a', created_at: '', functions: { f: { source: 'exports = function(q, r){ r.setBody("ééééé"); }', private: false }, g: { source: 'exports = function(q, r){ r.setBody("abcde"); }', private: false } }, values: {}, environment: { tag: '', values: {} }, services: [], limits: { memory_mb: 64, max_response_bytes: 10 } };
const env = e.createEnvironment({ memoryMb: 64, bundleJson: JSON.stringify(bundle), bridge: (...a) => { out.push(a.map(x => x instanceof Uint8Array ? 'U8:' + Buffer.from(x).toString() : x)); return undefined; } });
for (const f of ['f','g']) env.dispatch(1, 7, 0, JSON.stringify({ f, fmt: 'JSON', rr: false, sys: false, b: null, h: {}, q: {} }) + '\n{}');
setTimeout(() => { console.log(JSON.stringify(out)); process.exit(0) }, 50);
