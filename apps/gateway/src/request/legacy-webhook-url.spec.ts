import { parseLegacyWebhookUrl } from './legacy-webhook-url';

describe('parseLegacyWebhookUrl', () => {
  it('maps the legacy incoming-webhook URL to the converted endpoint route /<service>/<name>', () => {
    expect(
      parseLegacyWebhookUrl('/api/client/v2.0/app/shop-abcde/service/http/incoming_webhook/create?x=1'),
    ).toEqual({
      appId: 'shop-abcde',
      path: '/http/create',
      query: 'x=1',
      legacyWebhook: true,
    });
  });

  it('ignores anything else', () => {
    for (const url of [
      '/app/shop-abcde/endpoint/http/create',
      '/api/client/v2.0/app/shop-abcde/service/http/incoming_webhook/',
      '/api/client/v2.0/app/shop-abcde/service/http/incoming_webhook/a/b',
      '/api/client/v2.0/app/shop-abcde/services/http/incoming_webhook/a',
      '/api/client/v2.0/app/shop-abcde/auth/providers/api-key/login',
    ])
      expect(parseLegacyWebhookUrl(url)).toBeUndefined();
  });
});
