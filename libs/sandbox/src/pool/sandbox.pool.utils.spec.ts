import { SANDBOX_ENGINES } from '../engine/sandbox-engine.port';
import {
  createHash,
  createHmac,
  createPublicKey,
  createPrivateKey,
  generateKeyPairSync,
  sign,
  verify,
  constants,
} from 'node:crypto';
import type { InvocationJob, InvocationResult } from '@portico/contracts';
import { bundleOf, jobOf, memoryLogger, noHostCalls, text } from '../testing/sandbox.fixtures';
import { SandboxPool } from './sandbox.pool';

const APP = 'utils-abcde';

const rsa = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
});
const ec = generateKeyPairSync('ec', {
  namedCurve: 'prime256v1',
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** The docs ask for PKCS#8 keys for JWTs: both encodings work. */
const rsaPkcs8 = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** App Services' own examples (`functions/globals.txt`). */
const DOCS = {
  aesKey: '603082712271C525E087BD999A4E0738',
  aesSealed: 'WPBuIvJ6Bity43Uh822dW8QlVYVJaFUiDeUjlTiJXzptUuTYIKPlXekBQAJb',
  jwtHs512:
    'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvZSBTY2htb2UiLCJpYXQiOjE1NjU3MjEyMjMxODd9.-QL15ldu2BYuJokNWT6YRiwZQIiIpvq6Kyv-C6qslNdNiUVxo8zqLJZ1iEkNf2yZKMIrQuMCtIC1tzd2H31AxA',
};

const FUNCTIONS: Record<string, string | { source: string; private: boolean }> = {
  docsHmac: 'exports = () => utils.crypto.hmac("hello!", "super-secret", "sha256", "base64");',
  docsHash: 'exports = () => utils.crypto.hash("sha256", "hello!");',
  hmacHex: 'exports = ({ query }) => utils.crypto.hmac(query.input, query.secret, query.hash, "hex");',
  hashOf: `exports = ({ query }) => {
    const b = utils.crypto.hash(query.hash, query.binary ? BSON.Binary.fromHex(query.input) : query.input);
    return { isBinary: b instanceof BSON.Binary, hex: b.toHex() };
  };`,
  decryptDocs: `exports = () => utils.crypto.decrypt("aes", BSON.Binary.fromBase64("${DOCS.aesSealed}"), context.values.get("aesEncryptionKey")).text();`,
  aesRoundTrip: `exports = ({ query }) => {
    const sealed = utils.crypto.encrypt("aes", query.message, query.key);
    return { length: sealed.buffer.length, b64: sealed.toBase64(), back: utils.crypto.decrypt("aes", sealed, query.key).text() };
  };`,
  aesTampered: `exports = ({ query }) => {
    const sealed = utils.crypto.encrypt("aes", "secret message", query.key);
    const bytes = BSON.Binary.fromBase64(sealed.toBase64()).buffer; bytes[14] ^= 1;
    try { utils.crypto.decrypt("aes", new BSON.Binary(bytes), query.key); return "decrypted"; } catch (e) { return e.message; }
  };`,
  guarded: `exports = ({ query }) => {
    try { return { value: Function('context', 'return ' + query.expr)(context) }; } catch (e) { return { error: e.message, name: e.name }; }
  };`,
  signVerify: `exports = ({ query }) => {
    const priv = context.values.get("rsaPrivateKey"); const pub = context.values.get("rsaPublicKey");
    const sig = utils.crypto.sign("rsa", query.message, priv, query.scheme);
    return { sig: sig.toBase64(), ok: utils.crypto.verify("rsa", query.message, pub, sig, query.scheme),
      tampered: utils.crypto.verify("rsa", query.message + "!", pub, sig, query.scheme) };
  };`,
  verifyGiven: `exports = ({ query }) => utils.crypto.verify("rsa", query.message, context.values.get("rsaPublicKey"), BSON.Binary.fromBase64(query.sig), query.scheme);`,
  jwtEncode: `exports = ({ query }) => utils.jwt.encode(query.alg, { sub: "1234567890", name: "Joe Example", iat: 1565721223187 }, context.values.get(query.key), query.kid ? { kid: query.kid } : undefined);`,
  jwtDecode: `exports = ({ query }) => {
    try { return utils.jwt.decode(query.token, context.values.get(query.key), query.header === "1", query.accept ? query.accept.split(",") : undefined); }
    catch (e) { return { error: e.message }; }
  };`,
  jwtExpired: `exports = () => {
    const t = utils.jwt.encode("HS256", { sub: "a", exp: Math.floor(Date.now() / 1000) - 10 }, "k");
    try { utils.jwt.decode(t, "k"); return "accepted"; } catch (e) { return e.message; }
  };`,
  whoAmI: `exports = (request) => ({ user: context.user, system: context.runningAsSystem(),
    viaExecute: context.functions.execute("whoAmIHelper"), viaSystem: context.functions.execute("systemHelper"),
    viaFixed: context.functions.execute("fixedUserHelper") });`,
  whoAmIHelper: {
    source: 'exports = () => ({ id: context.user.id, system: context.runningAsSystem() });',
    private: true,
  },
};

/** Functions with a run mode of their own (bundle fields as the registry projects them). */
const RUN_MODES = {
  systemHelper: { source: FUNCTIONS.whoAmIHelper as unknown as string, private: true, run_as_system: true },
  fixedUserHelper: { source: '', private: true, run_as_user_id: 'fixed-user-id' },
  scriptUser: {
    source: FUNCTIONS.whoAmI as string,
    private: false,
    run_as_user_id_script_source: `exports = function (request) {
      if (request.headers["X-Role"] && request.headers["X-Role"][0] === "admin") return { runAsSystem: true };
      if (request.query.user) return request.query.user;
      if (request.query.boom) throw new Error("no ticket");
      if (request.query.async) return Promise.resolve("async-" + request.query.async);
      return { nobody: true };
    };`,
  },
  scriptSeesSystem: {
    source: 'exports = () => "ran";',
    private: false,
    run_as_user_id_script_source:
      'exports = async () => { console.log("script as", context.user.id, context.runningAsSystem()); return "u1"; };',
  },
};

describe.each(SANDBOX_ENGINES)(
  'SandboxPool utils.crypto, utils.jwt and run modes through a real host [%s]',
  (engine) => {
    const pool = new SandboxPool({
      engine,
      maxProcesses: 2,
      maxProcessesPerApp: 1,
      logger: memoryLogger(),
    });
    const functions: Parameters<typeof bundleOf>[1] = { ...FUNCTIONS };
    const bundle = bundleOf(APP, functions, {
      values: {
        aesEncryptionKey: DOCS.aesKey,
        rsaPrivateKey: rsa.privateKey,
        rsaPublicKey: rsa.publicKey,
        hs: 'SuperSecret',
        ecPrivate: ec.privateKey,
        ecPublic: ec.publicKey,
        rsaPkcs8: rsaPkcs8.privateKey,
        rsaSpki: rsaPkcs8.publicKey,
      },
    });
    bundle.functions.systemHelper = {
      ...RUN_MODES.systemHelper,
      source: (FUNCTIONS.whoAmIHelper as { source: string }).source,
    };
    bundle.functions.fixedUserHelper = {
      ...RUN_MODES.fixedUserHelper,
      source: (FUNCTIONS.whoAmIHelper as { source: string }).source,
    };
    bundle.functions.scriptUser = RUN_MODES.scriptUser;
    bundle.functions.scriptSeesSystem = RUN_MODES.scriptSeesSystem;

    const run = (
      fn: string,
      query: Record<string, string> = {},
      job: Partial<InvocationJob> = {},
      request: Partial<InvocationJob['request']> = {},
    ): Promise<InvocationResult> => pool.run(bundle, jobOf(APP, fn, job, { query, ...request }), noHostCalls);
    const json = (r: InvocationResult): unknown => {
      if (r.error) throw new Error(`${r.error.code}: ${r.error.message}`);
      return JSON.parse(text(r.response?.body));
    };

    afterAll(() => pool.close());

    describe('utils.crypto', () => {
      it('matches the docs test vector for hmac', async () => {
        expect(json(await run('docsHmac'))).toBe('SUXd6PRMaTXXgBGaGsIHzaDWgTSa6C3D44lRGrvRak0=');
      });

      it('hmac: hex output equals node:crypto for sha1, sha256 and sha512', async () => {
        for (const hash of ['sha1', 'sha256', 'sha512']) {
          const r = await run('hmacHex', { input: 'the input ✓', secret: 'k3y', hash });
          expect(json(r)).toBe(createHmac(hash, 'k3y').update('the input ✓').digest('hex'));
        }
      });

      it('hash returns a BSON.Binary; the docs example renders as its base64', async () => {
        expect(json(await run('docsHash'))).toEqual({
          Subtype: 0,
          Data: 'zgYJL7lI2f+sfRo3bkBLJrdXW8wR7gWkYV/vT+w6MIs=',
        });
        expect(json(await run('hashOf', { hash: 'md5', input: 'abc' }))).toEqual({
          isBinary: true,
          hex: createHash('md5').update('abc').digest('hex'),
        });
        expect(json(await run('hashOf', { hash: 'sha1', input: '00ff10', binary: '1' }))).toMatchObject({
          hex: createHash('sha1').update(Buffer.from('00ff10', 'hex')).digest('hex'),
        });
      });

      it('refuses hash functions and formats App Services does not list, with a clear error', async () => {
        const bad = await run('guarded', { expr: 'utils.crypto.hash("sha512", "x")' });
        expect(json(bad)).toEqual({
          error: 'hash function must be one of "sha1", "sha256", "md5"',
          name: 'Error',
        });
        const format = await run('guarded', { expr: 'utils.crypto.hmac("x", "k", "sha256", "latin1")' });
        expect(json(format)).toEqual({
          error: 'output format must be one of "hex", "base64"',
          name: 'Error',
        });
        const type = await run('guarded', { expr: 'utils.crypto.hash("sha256", { not: "bytes" })' });
        expect(json(type)).toEqual({ error: 'input must be a string or a BSON.Binary', name: 'TypeError' });
      });

      it('decrypts the docs example (AES-GCM, nonce first, tag last)', async () => {
        expect(json(await run('decryptDocs'))).toBe('MongoDB is great!');
      });

      it('encrypts and decrypts with 16-, 24- and 32-byte keys; nonce and tag add 28 bytes', async () => {
        for (const key of ['0123456789abcdef', '0123456789abcdef01234567', DOCS.aesKey]) {
          const r = json(await run('aesRoundTrip', { message: 'MongoDB is great!', key })) as Record<
            string,
            unknown
          >;
          expect(r).toMatchObject({ length: 17 + 28, back: 'MongoDB is great!' });
        }
        const a = json(await run('aesRoundTrip', { message: 'same', key: DOCS.aesKey })) as { b64: string };
        const b = json(await run('aesRoundTrip', { message: 'same', key: DOCS.aesKey })) as { b64: string };
        expect(a.b64).not.toBe(b.b64);
      });

      it('rejects a wrong key size and a tampered message', async () => {
        expect(json(await run('guarded', { expr: 'utils.crypto.encrypt("aes", "m", "short")' }))).toEqual({
          error: 'utils.crypto: an AES key must be 16, 24 or 32 bytes long, not 5',
          name: 'Error',
        });
        expect(json(await run('aesTampered', { key: DOCS.aesKey }))).toBe(
          'utils.crypto.decrypt: message authentication failed',
        );
        expect(
          json(await run('guarded', { expr: 'utils.crypto.encrypt("des", "m", "0123456789abcdef")' })),
        ).toEqual({
          error: 'encryption type must be one of "aes"',
          name: 'Error',
        });
      });

      it('signs with PKCS#1 RSA keys (pss by default, pkcs1v15) and verifies, like node:crypto', async () => {
        for (const scheme of ['pss', 'pkcs1v15']) {
          const r = json(await run('signVerify', { message: 'MongoDB is great!', scheme })) as {
            sig: string;
            ok: boolean;
            tampered: boolean;
          };
          expect(r.ok).toBe(true);
          expect(r.tampered).toBe(false);
          const padding = scheme === 'pss' ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING;
          expect(
            verify(
              'sha256',
              Buffer.from('MongoDB is great!'),
              { key: rsa.publicKey, padding },
              Buffer.from(r.sig, 'base64'),
            ),
          ).toBe(true);
        }
        // A PSS signature made elsewhere with a hash-length salt verifies too (any salt length is accepted).
        const foreign = sign('sha256', Buffer.from('hi'), {
          key: rsa.privateKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: 32,
        }).toString('base64');
        expect(json(await run('verifyGiven', { message: 'hi', sig: foreign, scheme: 'pss' }))).toBe(true);
      });

      it('refuses a key that is not a PEM RSA key and an unknown scheme', async () => {
        expect(json(await run('guarded', { expr: 'utils.crypto.sign("rsa", "m", "not a key")' }))).toEqual({
          error: 'utils.crypto: private key is not a PEM RSA private key',
          name: 'Error',
        });
        expect(
          json(
            await run('guarded', {
              expr: 'utils.crypto.sign("rsa", "m", context.values.get("rsaPrivateKey"), "oaep")',
            }),
          ),
        ).toEqual({ error: 'signature scheme must be one of "pss", "pkcs1v15", "pkcs1v1.5"', name: 'Error' });
      });
    });

    describe('utils.jwt', () => {
      it('decodes the docs HS512 token with its secret, with and without the header', async () => {
        expect(json(await run('jwtDecode', { token: DOCS.jwtHs512, key: 'hs' }))).toEqual({
          sub: '1234567890',
          name: 'Joe Schmoe',
          iat: 1565721223187,
        });
        expect(
          json(await run('jwtDecode', { token: DOCS.jwtHs512, key: 'hs', header: '1', accept: 'HS512' })),
        ).toEqual({
          header: { alg: 'HS512', typ: 'JWT' },
          payload: { sub: '1234567890', name: 'Joe Schmoe', iat: 1565721223187 },
        });
      });

      it('encodes HS512 as the docs do (same header and claims, verifiable signature)', async () => {
        const token = json(await run('jwtEncode', { alg: 'HS512', key: 'hs' })) as string;
        const [h, p, s] = token.split('.');
        expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ alg: 'HS512', typ: 'JWT' });
        expect(Buffer.from(p, 'base64url').toString()).toBe(
          '{"sub":"1234567890","name":"Joe Example","iat":1565721223187}',
        );
        expect(createHmac('sha512', 'SuperSecret').update(`${h}.${p}`).digest('base64url')).toBe(s);
      });

      it('round-trips RS256, PS384 and ES256, with custom header fields', async () => {
        for (const [alg, priv, pub] of [
          ['RS256', 'rsaPkcs8', 'rsaSpki'],
          ['PS384', 'rsaPrivateKey', 'rsaPublicKey'],
          ['ES256', 'ecPrivate', 'ecPublic'],
        ]) {
          const token = json(await run('jwtEncode', { alg, key: priv, kid: 'k1' })) as string;
          const decoded = json(await run('jwtDecode', { token, key: pub, header: '1' })) as Record<
            string,
            unknown
          >;
          // Checked here by RFC 7515/7518 rules, outside the sandbox: any salt for PSS, r||s for ECDSA.
          const [h, p, sig] = token.split('.');
          const options = {
            key: createPublicKey(bundle.values[pub] as string),
            ...(alg.startsWith('PS')
              ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }
              : {}),
            ...(alg.startsWith('ES') ? { dsaEncoding: 'ieee-p1363' as const } : {}),
          };
          expect(
            verify(`sha${alg.slice(2)}`, Buffer.from(`${h}.${p}`), options, Buffer.from(sig, 'base64url')),
          ).toBe(true);
          expect(decoded).toEqual({
            header: { alg, typ: 'JWT', kid: 'k1' },
            payload: { sub: '1234567890', name: 'Joe Example', iat: 1565721223187 },
          });
        }
      });

      it('decodes a PS512 token signed outside the sandbox (RFC 7518: 64-byte salt)', async () => {
        const input = `${Buffer.from('{"alg":"PS512","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"from-outside"}').toString('base64url')}`;
        const signature = sign('sha512', Buffer.from(input), {
          key: createPrivateKey(rsa.privateKey),
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: 64,
        });
        const token = `${input}.${signature.toString('base64url')}`;
        expect(json(await run('jwtDecode', { token, key: 'rsaPublicKey', accept: 'PS512' }))).toEqual({
          sub: 'from-outside',
        });
      });

      it('refuses a bad signature, a method outside the accepted list, an HMAC token checked with a PEM key, an expired token', async () => {
        const forged = `${DOCS.jwtHs512.slice(0, -3)}AAA`;
        expect(json(await run('jwtDecode', { token: forged, key: 'hs' }))).toEqual({
          error: 'utils.jwt.decode: signature is invalid',
        });
        expect(json(await run('jwtDecode', { token: DOCS.jwtHs512, key: 'hs', accept: 'RS256' }))).toEqual({
          error: 'utils.jwt.decode: signing method HS512 is not accepted',
        });
        const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
        expect(json(await run('jwtDecode', { token: none, key: 'hs' }))).toMatchObject({
          error: expect.stringContaining('the token\'s "alg" must be one of'),
        });
        const confused = await run('jwtEncode', { alg: 'HS256', key: 'rsaPublicKey' });
        expect(confused.error?.message).toContain('utils.jwt: an HMAC secret must not be a PEM key');
        expect(json(await run('jwtExpired'))).toBe('utils.jwt.decode: token is expired');
      });
    });

    describe('run modes (reference §3.1)', () => {
      const appUser = { id: 'caller', type: 'server', data: {}, custom_data: {}, identities: [] };

      it('a run_as_system callee runs as system and a run_as_user_id callee as its user; others inherit the caller', async () => {
        const r = json(
          await run('whoAmI', {}, { user: appUser as InvocationJob['user'], runAsSystem: false }),
        ) as Record<string, unknown>;
        expect(r).toMatchObject({
          user: appUser,
          system: false,
          viaExecute: { id: 'caller', system: false },
          viaSystem: { id: 'system', system: true },
          viaFixed: { id: 'fixed-user-id', system: false },
        });
      });

      it('script mode: a returned id becomes context.user; {runAsSystem: true} makes it a system call', async () => {
        const placeholder = { user: { ...appUser, id: '' } as InvocationJob['user'], runAsSystem: false };
        expect(json(await run('scriptUser', { user: 'u-42' }, placeholder))).toMatchObject({
          user: { id: 'u-42', type: 'normal', data: {}, custom_data: {}, identities: [] },
          system: false,
          viaExecute: { id: 'u-42', system: false },
        });
        expect(json(await run('scriptUser', { async: '7' }, placeholder))).toMatchObject({
          user: { id: 'async-7' },
          system: false,
        });
        const admin = await run('scriptUser', {}, placeholder, { headers: { 'X-Role': ['admin'] } });
        expect(json(admin)).toMatchObject({ user: { id: 'system', type: 'system' }, system: true });
      });

      it('script mode: no id, or a throw, answers InvalidSession (401) and logs why', async () => {
        const nobody = await run('scriptUser');
        expect(nobody.error).toEqual({
          code: 'InvalidSession',
          message: 'invalid session: error finding user for endpoint',
          status: 401,
        });
        expect(nobody.logs).toEqual([
          'error: run_as_user_id_script_source: returned neither a user id nor { runAsSystem: true }',
        ]);
        const boom = await run('scriptUser', { boom: '1' });
        expect(boom.error?.code).toBe('InvalidSession');
        expect(boom.logs[0]).toContain('no ticket');
      });

      it('the script itself runs as system', async () => {
        const r = await run('scriptSeesSystem');
        expect(json(r)).toBe('ran');
        expect(r.logs).toEqual(['log: script as system true']);
      });
    });
  },
);
