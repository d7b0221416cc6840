import {
  generateApiKey,
  generateSigningKey,
  hashApiKey,
  issueAccessToken,
  issueRefreshToken,
} from '@portico/auth';
import {
  APP_AUTH_FN,
  buildEndpoint,
  buildSnapshot,
  FakeRegistryClient,
  SYSTEM_FN,
} from './testing/fake-registry-client';
import { PUBLIC_ADMIN_URL, send, startGateway, type RunningGateway } from './testing/gateway-harness';
import { RecordingTransport } from './testing/recording-transport';

const APP = 'shop-abcde';
const SECRET = 'Super5ecr3tPa55w0rd';
const VECTOR_BODY = '{ "message": "Hello!" }';
const VECTOR_SIGNATURE = 'sha256=d4f0537db4e230d7a6028a6f7c3bb1b57c9d16f39176d78697e559ac333e0b36';
const KEY = generateApiKey();
const REVOKED_KEY = generateApiKey();
const SIGNING_KEY = generateSigningKey();

const snapshot = buildSnapshot({
  appId: APP,
  auth_signing_key: SIGNING_KEY,
  functions: {
    system: SYSTEM_FN,
    asUser: {
      private: false,
      run_as_system: false,
      run_as_user_id: '64ec0282b7f5b14275ccd462',
      has_user_script: false,
    },
    scripted: { private: false, run_as_system: false, has_user_script: true },
    app: APP_AUTH_FN,
  },
  secrets: { secret_password: SECRET },
  api_keys: [
    { id: 'key-1', name: 'server-key', hash: hashApiKey(KEY), disabled: false },
    { id: 'key-2', name: 'revoked', hash: hashApiKey(REVOKED_KEY), disabled: true },
  ],
  endpoints: [
    buildEndpoint('/passwordRequired', 'system', {
      validation_method: 'SECRET_AS_QUERY_PARAM',
      secret_name: 'secret_password',
    }),
    buildEndpoint('/unsetSecret', 'system', {
      validation_method: 'SECRET_AS_QUERY_PARAM',
      secret_name: 'not_set',
    }),
    buildEndpoint('/sendMessage', 'system', {
      http_method: 'POST',
      validation_method: 'VERIFY_PAYLOAD',
      secret_name: 'secret_password',
    }),
    buildEndpoint('/unsetSignature', 'system', {
      http_method: 'POST',
      validation_method: 'VERIFY_PAYLOAD',
      secret_name: 'not_set',
    }),
    buildEndpoint('/system', 'system'),
    buildEndpoint('/asUser', 'asUser'),
    buildEndpoint('/scripted', 'scripted'),
    buildEndpoint('/app', 'app'),
  ],
});

describe('gateway validation and authentication (real HTTP)', () => {
  let transport: RecordingTransport;
  let gw: RunningGateway;
  const call = (path: string, init?: Parameters<typeof send>[2]) =>
    send(gw.url, `/app/${APP}/endpoint${path}`, init);

  beforeAll(async () => {
    transport = new RecordingTransport();
    gw = await startGateway(new FakeRegistryClient([snapshot]), transport);
  });

  afterAll(async () => {
    await gw.close();
  });

  const expectRejected = async (
    promise: ReturnType<typeof send>,
    status: number,
    code: string,
    error?: string,
  ): Promise<void> => {
    const jobs = transport.jobs.length;
    const res = await promise;
    expect(res.status).toBe(status);
    expect(res.json.error_code).toBe(code);
    if (error !== undefined) expect(res.json.error).toBe(error);
    expect(res.json.link).toBe(
      `${PUBLIC_ADMIN_URL}/admin/v1/apps/${APP}/logs?request_id=${String(res.headers['x-request-id'])}`,
    );
    expect(transport.jobs.length).toBe(jobs);
  };

  describe('SECRET_AS_QUERY_PARAM', () => {
    it('admits the right secret and removes it from query and rawQueryString', async () => {
      const res = await call(`/passwordRequired?someParam=42&secret=${SECRET}&z=1`);
      expect(res.status).toBe(200);
      expect({ ...transport.lastJob.request.query }).toEqual({ someParam: '42', z: '1' });
      expect(transport.lastJob.request.rawQueryString).toBe('someParam=42&z=1');
    });

    it('rejects a wrong or missing secret, and an endpoint whose secret is not set, with 401', async () => {
      await expectRejected(call('/passwordRequired?secret=wrong'), 401, 'IncomingWebhookAuthFailed');
      await expectRejected(call('/passwordRequired'), 401, 'IncomingWebhookAuthFailed');
      await expectRejected(call(`/passwordRequired?Secret=${SECRET}`), 401, 'IncomingWebhookAuthFailed');
      await expectRejected(call(`/unsetSecret?secret=${SECRET}`), 401, 'IncomingWebhookAuthFailed');
    });
  });

  describe('VERIFY_PAYLOAD', () => {
    it('admits the documented Endpoint-Signature test vector and passes the exact bytes on', async () => {
      const res = await call('/sendMessage', {
        method: 'POST',
        headers: [['Endpoint-Signature', VECTOR_SIGNATURE]],
        body: VECTOR_BODY,
      });
      expect(res.status).toBe(200);
      expect(Buffer.from(transport.lastJob.request.body ?? []).toString()).toBe(VECTOR_BODY);
    });

    it('rejects a re-serialized body, a missing or malformed header, and an unset secret with 401', async () => {
      const post = (body: string, headers: [string, string][]) =>
        call('/sendMessage', { method: 'POST', headers, body });
      await expectRejected(
        post('{"message":"Hello!"}', [['Endpoint-Signature', VECTOR_SIGNATURE]]),
        401,
        'IncomingWebhookAuthFailed',
      );
      await expectRejected(post(VECTOR_BODY, []), 401, 'IncomingWebhookAuthFailed');
      await expectRejected(
        post(VECTOR_BODY, [['Endpoint-Signature', VECTOR_SIGNATURE.slice(7)]]),
        401,
        'IncomingWebhookAuthFailed',
      );
      await expectRejected(
        call('/unsetSignature', {
          method: 'POST',
          headers: [['Endpoint-Signature', VECTOR_SIGNATURE]],
          body: VECTOR_BODY,
        }),
        401,
        'IncomingWebhookAuthFailed',
      );
    });
  });

  describe('run modes', () => {
    it('run_as_system runs as the system user without credentials', async () => {
      expect((await call('/system')).status).toBe(200);
      expect(transport.lastJob.user).toEqual({
        id: 'system',
        type: 'system',
        data: {},
        custom_data: {},
        identities: [],
      });
      expect(transport.lastJob.runAsSystem).toBe(true);
    });

    it('run_as_user_id runs as that user', async () => {
      expect((await call('/asUser')).status).toBe(200);
      expect(transport.lastJob.user).toEqual({
        id: '64ec0282b7f5b14275ccd462',
        type: 'normal',
        data: {},
        custom_data: {},
        identities: [],
      });
      expect(transport.lastJob.runAsSystem).toBe(false);
      // The worker fills in the stored user when there is one.
      expect(transport.lastJob.userAuth).toEqual({ via: 'run-as', userId: '64ec0282b7f5b14275ccd462' });
    });

    it('script authentication needs no credentials: the worker runs the script and decides the user', async () => {
      expect((await call('/scripted')).status).toBe(200);
      expect(transport.lastJob.user).toEqual({
        id: '',
        type: 'normal',
        data: {},
        custom_data: {},
        identities: [],
      });
      expect(transport.lastJob.runAsSystem).toBe(false);
    });
  });

  describe('application authentication', () => {
    it('accepts an API key in the apiKey or api-key header and runs as a server user', async () => {
      for (const header of ['apiKey', 'api-key']) {
        expect((await call('/app', { headers: [[header, KEY]] })).status).toBe(200);
        expect(transport.lastJob.user).toEqual({
          id: 'key-1',
          type: 'server',
          data: { name: 'server-key' },
          custom_data: {},
          identities: [{ id: 'key-1', provider_type: 'api-key' }],
        });
        expect(transport.lastJob.runAsSystem).toBe(false);
      }
    });

    it('rejects unknown and disabled keys with the §3.4 401 body', async () => {
      const message = 'invalid session: error finding user for endpoint';
      await expectRejected(
        call('/app', { headers: [['apiKey', 'x'.repeat(64)]] }),
        401,
        'InvalidSession',
        message,
      );
      await expectRejected(
        call('/app', { headers: [['apiKey', REVOKED_KEY]] }),
        401,
        'InvalidSession',
        message,
      );
    });

    it('admits a valid access token of the app and hands its user id to the worker', async () => {
      const token = await issueAccessToken(SIGNING_KEY, APP, 'user-7');
      const res = await call('/app', { headers: [['Authorization', `Bearer ${token}`]] });
      expect(res.status).toBe(200);
      expect(transport.lastJob.userAuth).toEqual({ via: 'token', userId: 'user-7' });
      expect(transport.lastJob.user.id).toBe('user-7');
      expect(transport.lastJob.runAsSystem).toBe(false);
      expect(transport.lastJob.userOptions).toEqual({ createUserOnAuth: false, fetchCustomUserData: false });
    });

    it("rejects refresh tokens, other apps' tokens and garbage as Bearer, even alongside a valid key", async () => {
      for (const token of [
        await issueRefreshToken(SIGNING_KEY, APP, 'user-7', 'session-1'),
        await issueAccessToken(SIGNING_KEY, 'other-abcde', 'user-7'),
        await issueAccessToken(generateSigningKey(), APP, 'user-7'),
      ]) {
        await expectRejected(
          call('/app', { headers: [['Authorization', `Bearer ${token}`]] }),
          401,
          'InvalidSession',
          'invalid session: error finding user for endpoint',
        );
      }
      await expectRejected(
        call('/app', { headers: [['Authorization', 'Bearer abc.def.ghi']] }),
        401,
        'InvalidSession',
      );
      await expectRejected(
        call('/app', {
          headers: [
            ['Authorization', 'bearer x'],
            ['apiKey', KEY],
          ],
        }),
        401,
        'InvalidSession',
      );
    });

    it('answers partial email/password with 400 MissingParameter', async () => {
      const message =
        'must specify some form of authentication (either email+password, api-key, or jwt) in the request header or body';
      await expectRejected(call('/app', { headers: [['email', 'a@b.c']] }), 400, 'MissingParameter', message);
      await expectRejected(call('/app', { headers: [['password', 'pw']] }), 400, 'MissingParameter', message);
    });

    it('hands email+password and jwtTokenString to the worker, which owns the users', async () => {
      const res = await call('/app', {
        headers: [
          ['email', 'a@b.c'],
          ['password', 'pw'],
        ],
      });
      expect(res.status).toBe(200);
      expect(transport.lastJob.userAuth).toEqual({ via: 'local-userpass', email: 'a@b.c', password: 'pw' });
      await call('/app', { headers: [['jwtTokenString', 'x.y.z']] });
      expect(transport.lastJob.userAuth).toEqual({ via: 'custom-token', token: 'x.y.z' });
    });

    it('answers no credentials with 400 InvalidParameter', async () => {
      await expectRejected(call('/app'), 400, 'InvalidParameter', 'no authentication methods were specified');
      await expectRejected(
        call('/app', { headers: [['Authorization', 'Basic abc']] }),
        400,
        'InvalidParameter',
      );
    });
  });
});
