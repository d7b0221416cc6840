import { SignJWT, decodeJwt } from 'jose';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  REFRESH_TOKEN_TTL_SECONDS,
  generateSigningKey,
  hashRefreshToken,
  issueActionToken,
  verifyActionToken,
  issueAccessToken,
  issueRefreshToken,
  unverifiedAppOf,
  verifyAppToken,
} from './app-tokens';

describe('app user tokens', () => {
  const key = generateSigningKey();

  it('issues a 30-minute access token for the user of the app, and verifies it', async () => {
    const token = await issueAccessToken(key, 'shop-abcde', 'user-1');
    const claims = await verifyAppToken(key, 'shop-abcde', token, 'access');
    expect(claims).toMatchObject({ typ: 'access', sub: 'user-1', app: 'shop-abcde' });
    const { iat, exp } = decodeJwt(token);
    expect((exp ?? 0) - (iat ?? 0)).toBe(ACCESS_TOKEN_TTL_SECONDS);
  });

  it('issues a 60-day refresh token naming the session', async () => {
    const token = await issueRefreshToken(key, 'shop-abcde', 'user-1', 'sess-1');
    expect(await verifyAppToken(key, 'shop-abcde', token, 'refresh')).toMatchObject({
      sid: 'sess-1',
      sub: 'user-1',
    });
    const { iat, exp } = decodeJwt(token);
    expect((exp ?? 0) - (iat ?? 0)).toBe(REFRESH_TOKEN_TTL_SECONDS);
    expect(unverifiedAppOf(token)).toBe('shop-abcde');
    expect(hashRefreshToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects a token of another type, another app, another key, or tampered with', async () => {
    const access = await issueAccessToken(key, 'shop-abcde', 'user-1');
    const refresh = await issueRefreshToken(key, 'shop-abcde', 'user-1', 's');
    expect(await verifyAppToken(key, 'shop-abcde', refresh, 'access')).toBeUndefined();
    expect(await verifyAppToken(key, 'shop-abcde', access, 'refresh')).toBeUndefined();
    expect(await verifyAppToken(key, 'other-abcde', access, 'access')).toBeUndefined();
    expect(await verifyAppToken(generateSigningKey(), 'shop-abcde', access, 'access')).toBeUndefined();
    const [h, p, s] = access.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(access), sub: 'admin' })).toString('base64url');
    expect(await verifyAppToken(key, 'shop-abcde', `${h}.${forged}.${s}`, 'access')).toBeUndefined();
    expect(await verifyAppToken(key, 'shop-abcde', `${h}.${p}`, 'access')).toBeUndefined();
    expect(await verifyAppToken(key, 'shop-abcde', 'not a jwt', 'access')).toBeUndefined();
    expect(unverifiedAppOf('not a jwt')).toBeUndefined();
  });

  it('rejects an expired token and an unsigned (alg none) one', async () => {
    const bytes = Buffer.from(key, 'base64url');
    const expired = await new SignJWT({ typ: 'access', app: 'shop-abcde' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-1')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(bytes);
    expect(await verifyAppToken(key, 'shop-abcde', expired, 'access')).toBeUndefined();
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ typ: 'access', app: 'shop-abcde', sub: 'u', exp: 9e9 }),
    ).toString('base64url')}.`;
    expect(await verifyAppToken(key, 'shop-abcde', none, 'access')).toBeUndefined();
  });
});

describe('confirmation and reset tokens', () => {
  const key = generateSigningKey();
  it('names the user for the same action and token id only', async () => {
    const { token, tokenId } = await issueActionToken(key, 'shop-abcde', 'user-1', 'confirm');
    expect(tokenId).toMatch(/^[0-9a-f]{24}$/);
    expect(await verifyActionToken(key, 'shop-abcde', 'confirm', token, tokenId)).toBe('user-1');
    expect(await verifyActionToken(key, 'shop-abcde', 'reset', token, tokenId)).toBeUndefined();
    expect(await verifyActionToken(key, 'shop-abcde', 'confirm', token, 'f'.repeat(24))).toBeUndefined();
    expect(await verifyActionToken(key, 'other-abcde', 'confirm', token, tokenId)).toBeUndefined();
    expect(
      await verifyActionToken(generateSigningKey(), 'shop-abcde', 'confirm', token, tokenId),
    ).toBeUndefined();
  });
});
