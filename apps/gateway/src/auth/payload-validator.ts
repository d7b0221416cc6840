import { secretsEqual, verifyPayloadSignature } from '@portico/auth';
import type { EndpointSpec } from '@portico/contracts';
import { GatewayErrors } from '../gateway-errors';
import { parseQueryString } from '../request/query-string';

/** What names the secret: an endpoint, or the Data API config (`data_api_config.json`). */
type SecretNamer = Pick<EndpointSpec, 'secret_name'>;

/** The app secret an endpoint's validation names, or undefined when unnamed or not set in the app. */
function endpointSecret(
  endpoint: SecretNamer,
  secrets: Readonly<Record<string, string>>,
): string | undefined {
  const name = endpoint.secret_name;
  return name !== undefined && Object.hasOwn(secrets, name) ? secrets[name] : undefined;
}

/**
 * The request's query as the function sees it. Under SECRET_AS_QUERY_PARAM its `secret` is taken out
 * of both the query and the raw query string (reference §7.9) and checked against the named secret.
 */
export function validatedQuery(
  rawQuery: string,
  endpoint: SecretNamer & Pick<EndpointSpec, 'validation_method'>,
  secrets: Readonly<Record<string, string>>,
): { query: Record<string, string>; rawQueryString: string } {
  const checked = endpoint.validation_method === 'SECRET_AS_QUERY_PARAM';
  const { query, rawQueryString, secret } = parseQueryString(rawQuery, checked);
  if (checked) assertQuerySecret(endpoint, secrets, secret);
  return { query, rawQueryString };
}

/** SECRET_AS_QUERY_PARAM (reference §3.3): `?secret=` must equal the named secret, compared in constant time. */
export function assertQuerySecret(
  endpoint: SecretNamer,
  secrets: Readonly<Record<string, string>>,
  presented: string | undefined,
): void {
  const expected = endpointSecret(endpoint, secrets);
  if (expected === undefined || presented === undefined || !secretsEqual(expected, presented))
    throw GatewayErrors.secretRejected();
}

/** VERIFY_PAYLOAD (reference §3.3, §7.8): `Endpoint-Signature` must be the HMAC-SHA256 of the raw body bytes. */
export function assertPayloadSignature(
  endpoint: SecretNamer,
  secrets: Readonly<Record<string, string>>,
  body: Uint8Array | null,
  signature: string | undefined,
): void {
  const expected = endpointSecret(endpoint, secrets);
  if (expected === undefined || !verifyPayloadSignature(expected, body ?? EMPTY, signature))
    throw GatewayErrors.signatureRejected();
}

const EMPTY = new Uint8Array(0);
