import { Writable } from 'node:stream';
import { createLogger, REDACTED } from './logger';
import { requestIdOf } from './request-id';

/** A real stream that keeps what pino writes to it. */
function capture(): { stream: Writable; lines: () => Record<string, any>[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    stream,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, any>),
  };
}

const SECRETS = {
  authorization: 'Bearer tok-0123456789abcdef',
  apikey: 'apikey-secret-value-1',
  'api-key': 'api-key-secret-value-2',
  password: 'hunter2-password',
  jwttokenstring: 'eyJhbGciOiJIUzI1NiJ9.payload.sig',
  cookie: 'session=cookie-secret-3',
};

describe('createLogger', () => {
  it('never writes credentials from request headers or credential-named fields', () => {
    const out = capture();
    const logger = createLogger('info', { service: 'test' }, { destination: out.stream });
    logger.info(
      { req: { method: 'GET', url: '/x', headers: { ...SECRETS, accept: 'application/json' } } },
      'a',
    );
    logger.info({ headers: { authorization: SECRETS.authorization, apiKey: SECRETS.apikey } }, 'b');
    logger.info(
      { secret: 's3cr3t-top', value: { secret: 'nested-secret-4' }, app: { key: 'k-secret-5' } },
      'c',
    );
    logger.child({ appId: 'a-abcde' }).warn({ token: 'tok-secret-6', password: 'pw-secret-7' }, 'd');

    const text = out.text();
    for (const secret of [
      ...Object.values(SECRETS),
      's3cr3t-top',
      'nested-secret-4',
      'k-secret-5',
      'tok-secret-6',
      'pw-secret-7',
    ])
      expect(text).not.toContain(secret);
    const [a, , c, d] = out.lines();
    expect(a.req.headers).toMatchObject({
      authorization: REDACTED,
      apikey: REDACTED,
      accept: 'application/json',
    });
    expect(a).toMatchObject({ service: 'test', level: 'info', msg: 'a' });
    expect(c.value.secret).toBe(REDACTED);
    expect(d).toMatchObject({ appId: 'a-abcde', token: REDACTED, level: 'warn' });
  });

  it('writes JSON when not on a terminal and pretty text when asked', () => {
    const out = capture();
    createLogger('info', {}, { destination: out.stream }).info({ requestId: 'r-1' }, 'hello');
    expect(out.lines()[0]).toMatchObject({ msg: 'hello', requestId: 'r-1' });
    // pino-pretty loads only for a terminal; creating it must work (it is a dependency).
    expect(() => createLogger('silent', {}, { pretty: true })).not.toThrow();
  });
});

describe('requestIdOf', () => {
  it('keeps a sane client id and replaces anything else with a UUID', () => {
    expect(requestIdOf('trace-1.2_A')).toBe('trace-1.2_A');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const bad of [undefined, '', 'has space', 'x'.repeat(129), 'new\nline', ['a', 'b'], '{"json":1}'])
      expect(requestIdOf(bad)).toMatch(uuid);
    expect(requestIdOf('x'.repeat(128))).toHaveLength(128);
  });
});
