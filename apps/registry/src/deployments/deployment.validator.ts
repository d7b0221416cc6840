import type { CustomUserDataSpec, DeploymentSpec, EndpointSpec } from '@portico/contracts';
import type { ValidationDetails } from '../common/validation.exception';
import { canEvaluateIssues, rulesIssues } from './can-evaluate.validator';

const NEEDS_SECRET = new Set<EndpointSpec['validation_method']>(['SECRET_AS_QUERY_PARAM', 'VERIFY_PAYLOAD']);

/**
 * Problems of an endpoint list against the app's functions, keyed `<index>.<field>` (the path inside the
 * `PUT /endpoints` body): an unknown `function_name`, a route+method served twice (`*` takes every method
 * of its route), a validation method without its `secret_name`.
 */
export function endpointIssues(
  endpoints: readonly EndpointSpec[],
  functions: DeploymentSpec['functions'],
): ValidationDetails {
  const details: ValidationDetails = {};
  const seen = new Map<string, { method: string; index: number }[]>();
  endpoints.forEach((endpoint, index) => {
    if (!Object.hasOwn(functions, endpoint.function_name)) {
      details[`${index}.function_name`] = `function "${endpoint.function_name}" does not exist`;
    }
    if (NEEDS_SECRET.has(endpoint.validation_method) && !endpoint.secret_name) {
      details[`${index}.secret_name`] = `required when validation_method is ${endpoint.validation_method}`;
    }
    const sameRoute = seen.get(endpoint.route) ?? [];
    const clash = sameRoute.find(
      (other) =>
        other.method === endpoint.http_method || other.method === '*' || endpoint.http_method === '*',
    );
    if (clash) {
      details[`${index}.http_method`] =
        `route "${endpoint.route}" with method ${endpoint.http_method} conflicts with endpoint ${clash.index} (${clash.method})`;
    }
    seen.set(endpoint.route, [...sameRoute, { method: endpoint.http_method, index }]);
    Object.assign(details, canEvaluateIssues(endpoint.can_evaluate, `${index}.can_evaluate`));
  });
  return details;
}

/**
 * Cross-reference problems of a whole deployment, keyed by their path in the spec. `DeploymentService`
 * refuses to commit a spec with any, so no version ever points at a missing function.
 */
export function deploymentIssues(spec: DeploymentSpec): ValidationDetails {
  const details: ValidationDetails = {};
  for (const [key, message] of Object.entries(endpointIssues(spec.endpoints, spec.functions)))
    details[`endpoints.${key}`] = message;
  for (const [name, value] of Object.entries(spec.values)) {
    if (value.from_secret && typeof value.value !== 'string')
      details[`values.${name}.value`] = 'must name a secret when from_secret is true';
  }
  if (spec.custom_user_data)
    Object.assign(details, customUserDataIssues(spec.custom_user_data, spec.functions, 'custom_user_data'));
  return { ...details, ...rulesIssues(spec) };
}

/**
 * Problems of `auth/custom_user_data.json` against the app's functions, keyed below `path` (`''` for
 * the body of `PUT /auth/custom_user_data`): a user creation function that does not exist. Checked
 * even while custom user data is off, as an import checks it; so the function cannot be deleted while
 * it is named, which App Services also refuses (reference §1.7).
 */
export function customUserDataIssues(
  config: CustomUserDataSpec,
  functions: DeploymentSpec['functions'],
  path: string,
): ValidationDetails {
  const name = config.on_user_creation_function_name;
  if (!name || Object.hasOwn(functions, name)) return {};
  const at = path === '' ? 'on_user_creation_function_name' : `${path}.on_user_creation_function_name`;
  return { [at]: `function "${name}" does not exist` };
}
