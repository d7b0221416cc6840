/** The parts of `/app/<appId>/endpoint<route>?<query>` (DESIGN "Components", reference §0). */
export interface EndpointUrl {
  appId: string;
  /** The route part as received (percent-encoded), starting with `/`. */
  path: string;
  /** The query string without `?`, as received. */
  query: string;
  /** Reached through a legacy incoming-webhook URL (see `parseLegacyWebhookUrl`). */
  legacyWebhook?: true;
}

const APP_PREFIX = '/app/';
const ENDPOINT_SEGMENT = '/endpoint/';

/** Splits a request URL; undefined when it is not an endpoint URL. No allocation beyond the three slices. */
export function parseEndpointUrl(url: string): EndpointUrl | undefined {
  if (!url.startsWith(APP_PREFIX)) return undefined;
  const idEnd = url.indexOf('/', APP_PREFIX.length);
  if (idEnd <= APP_PREFIX.length || !url.startsWith(ENDPOINT_SEGMENT, idEnd)) return undefined;
  const routeStart = idEnd + ENDPOINT_SEGMENT.length - 1;
  const q = url.indexOf('?', routeStart);
  return {
    appId: url.slice(APP_PREFIX.length, idEnd),
    path: q === -1 ? url.slice(routeStart) : url.slice(routeStart, q),
    query: q === -1 ? '' : url.slice(q + 1),
  };
}
