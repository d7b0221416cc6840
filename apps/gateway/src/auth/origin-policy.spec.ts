import { assertOriginAllowed } from './origin-policy';

describe('allowed_request_origins (reference §3.3)', () => {
  const allowed = ['https://shop.example.com', 'http://localhost:3000/'];

  it('lets listed origins and requests without an Origin header through', () => {
    expect(() => assertOriginAllowed(allowed, { origin: 'https://shop.example.com' })).not.toThrow();
    expect(() => assertOriginAllowed(allowed, { origin: 'HTTP://LOCALHOST:3000' })).not.toThrow();
    expect(() => assertOriginAllowed(allowed, {})).not.toThrow();
  });

  it('refuses any other origin with 403 OriginNotAllowed', () => {
    expect(() => assertOriginAllowed(allowed, { origin: 'https://evil.example.com' })).toThrow(
      expect.objectContaining({ code: 'OriginNotAllowed', status: 403 }),
    );
    expect(() => assertOriginAllowed(allowed, { origin: 'https://shop.example.com:8443' })).toThrow(
      expect.objectContaining({ status: 403 }),
    );
  });

  it('allows everything when the app lists no origins', () => {
    expect(() => assertOriginAllowed(undefined, { origin: 'https://any.example' })).not.toThrow();
    expect(() => assertOriginAllowed([], { origin: 'https://any.example' })).not.toThrow();
  });
});
