import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { AuthProviderSpecSchema, type AuthProviderSpec } from '@portico/contracts';
import { CustomTokenRejected, verifyCustomToken } from './custom-token.provider';

const HS_KEY = 'k'.repeat(40);
const provider = (extra: Partial<AuthProviderSpec> = {}): AuthProviderSpec =>
  AuthProviderSpecSchema.parse({
    name: 'custom-token',
    type: 'custom-token',
    config: { signingAlgorithm: 'HS256' },
    secret_config: { signingKeys: ['old', 'jwt_key'] },
    ...extra,
  });
const hs = (claims: Record<string, unknown>, key = HS_KEY) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(key));

describe('custom-token provider', () => {
  const secrets = { old: 'o'.repeat(40), jwt_key: HS_KEY };

  it('accepts a token signed with any configured key and takes sub as the external id', async () => {
    await expect(verifyCustomToken(provider(), secrets, await hs({ sub: 'ext-1' }))).resolves.toEqual({
      externalId: 'ext-1',
      data: {},
    });
    await expect(
      verifyCustomToken(provider(), secrets, await hs({ sub: 'ext-2' }, secrets.old)),
    ).resolves.toMatchObject({
      externalId: 'ext-2',
    });
  });

  it('copies metadata fields by path into field_name (default: the last path part)', async () => {
    const p = provider({
      metadata_fields: [
        { required: true, name: 'email', field_name: 'email' },
        { required: false, name: 'profile.name' },
        { required: false, name: 'missing.field', field_name: 'gone' },
      ],
    });
    const token = await hs({ sub: 'u', email: 'a@b.c', profile: { name: 'Ann' } });
    await expect(verifyCustomToken(p, secrets, token)).resolves.toEqual({
      externalId: 'u',
      data: { email: 'a@b.c', name: 'Ann' },
    });
    const noEmail = await hs({ sub: 'u' });
    await expect(verifyCustomToken(p, secrets, noEmail)).rejects.toThrow(/required metadata field email/);
  });

  it('checks the audience when one is configured', async () => {
    const p = provider({ config: { signingAlgorithm: 'HS256', audience: ['app-a', 'app-b'] } });
    await expect(verifyCustomToken(p, secrets, await hs({ sub: 'u', aud: 'app-b' }))).resolves.toBeDefined();
    await expect(verifyCustomToken(p, secrets, await hs({ sub: 'u', aud: 'other' }))).rejects.toBeInstanceOf(
      CustomTokenRejected,
    );
    await expect(verifyCustomToken(p, secrets, await hs({ sub: 'u' }))).rejects.toBeInstanceOf(
      CustomTokenRejected,
    );
  });

  it('refuses unknown keys, no sub, unset secrets, another algorithm and JWK URIs', async () => {
    await expect(
      verifyCustomToken(provider(), secrets, await hs({ sub: 'u' }, 'x'.repeat(40))),
    ).rejects.toThrow(CustomTokenRejected);
    await expect(verifyCustomToken(provider(), secrets, await hs({}))).rejects.toThrow(/no sub/);
    await expect(verifyCustomToken(provider(), {}, await hs({ sub: 'u' }))).rejects.toThrow(/no signing key/);
    const rs = provider({ config: { signingAlgorithm: 'RS256' } });
    await expect(verifyCustomToken(rs, secrets, await hs({ sub: 'u' }))).rejects.toThrow(CustomTokenRejected);
    const jwk = provider({ config: { signingAlgorithm: 'HS256', useJWKURI: true } });
    await expect(verifyCustomToken(jwk, secrets, await hs({ sub: 'u' }))).rejects.toThrow(/JWK/);
  });

  it('verifies RS256 with a PEM public key, and refuses an HS256 token made with that PEM as the secret', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const pem = await exportSPKI(publicKey);
    const rs = provider({ config: { signingAlgorithm: 'RS256' }, secret_config: { signingKeys: ['pub'] } });
    const token = await new SignJWT({ sub: 'rsa' })
      .setProtectedHeader({ alg: 'RS256' })
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(verifyCustomToken(rs, { pub: pem }, token)).resolves.toMatchObject({ externalId: 'rsa' });
    // Algorithm confusion: the public key used as an HMAC secret must not pass.
    await expect(verifyCustomToken(rs, { pub: pem }, await hs({ sub: 'evil' }, pem))).rejects.toThrow(
      CustomTokenRejected,
    );
  });
});
