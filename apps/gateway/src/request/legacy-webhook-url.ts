import type { EndpointUrl } from './endpoint-url';

const PREFIX = '/api/client/v2.0/app/';

/**
 * Parses the URL of a legacy incoming webhook (reference §1.4),
 * `/api/client/v2.0/app/<appId>/service/<service>/incoming_webhook/<name>`, into the endpoint it was
 * converted to: route `/<service>/<name>` of the same app. Undefined for any other URL.
 */
export function parseLegacyWebhookUrl(url: string): EndpointUrl | undefined {
  if (!url.startsWith(PREFIX)) return undefined;
  const q = url.indexOf('?');
  const path = q === -1 ? url.slice(PREFIX.length) : url.slice(PREFIX.length, q);
  const [appId, service, serviceName, hook, name, ...rest] = path.split('/');
  if (rest.length > 0 || service !== 'service' || hook !== 'incoming_webhook') return undefined;
  if (!appId || !serviceName || !name) return undefined;
  return {
    appId,
    path: `/${serviceName}/${name}`,
    query: q === -1 ? '' : url.slice(q + 1),
    legacyWebhook: true,
  };
}
