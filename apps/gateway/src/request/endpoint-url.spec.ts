import { parseEndpointUrl } from './endpoint-url';

describe('parseEndpointUrl', () => {
  it('splits app id, route and query', () => {
    expect(parseEndpointUrl('/app/shop-abcde/endpoint/hello/latest?x=1&y=2')).toEqual({
      appId: 'shop-abcde',
      path: '/hello/latest',
      query: 'x=1&y=2',
    });
    expect(parseEndpointUrl('/app/shop-abcde/endpoint/hello')).toEqual({
      appId: 'shop-abcde',
      path: '/hello',
      query: '',
    });
    expect(parseEndpointUrl('/app/shop-abcde/endpoint/?')).toEqual({
      appId: 'shop-abcde',
      path: '/',
      query: '',
    });
  });

  it('rejects other URLs', () => {
    for (const url of [
      '/',
      '/healthz',
      '/app/',
      '/app//endpoint/x',
      '/app/shop-abcde',
      '/app/shop-abcde/endpoint',
      '/app/shop-abcde/endpoints/x',
      '/apps/x/endpoint/y',
    ]) {
      expect(parseEndpointUrl(url)).toBeUndefined();
    }
  });
});
