import { expressionIssues } from '@portico/auth';
import { DATA_API_VERSIONS, type DeploymentSpec } from '@portico/contracts';
import type { ValidationDetails } from '../common/validation.exception';

/** Problems of one `can_evaluate`, keyed by their path below `path` (reference §3.3). */
export function canEvaluateIssues(expression: unknown, path: string): ValidationDetails {
  const details: ValidationDetails = {};
  if (expression === undefined) return details;
  for (const { path: at, message } of expressionIssues(expression, path)) details[at] = message;
  return details;
}

const VERSIONS: ReadonlySet<string> = new Set(DATA_API_VERSIONS);

/**
 * The `can_evaluate` of every function and of the Data API, and the Data API settings that cannot
 * work: an unknown version, a validation method without its `secret_name`. Endpoint expressions are
 * checked with the endpoints (`endpointIssues`), so their paths name the `PUT /endpoints` body.
 */
export function rulesIssues(spec: DeploymentSpec): ValidationDetails {
  let details: ValidationDetails = {};
  for (const [name, fn] of Object.entries(spec.functions))
    details = { ...details, ...canEvaluateIssues(fn.can_evaluate, `functions.${name}.can_evaluate`) };
  if (spec.data_api) details = { ...details, ...dataApiIssues(spec.data_api, 'data_api') };
  return details;
}

/** Problems of a `data_api_config.json`, keyed below `path` (`''` for the body of `PUT /data-api`). */
export function dataApiIssues(
  config: NonNullable<DeploymentSpec['data_api']>,
  path: string,
): ValidationDetails {
  const at = (field: string) => (path === '' ? field : `${path}.${field}`);
  const details = canEvaluateIssues(config.can_evaluate, at('can_evaluate'));
  config.versions.forEach((version, i) => {
    if (!VERSIONS.has(version)) details[at(`versions.${i}`)] = `unknown version "${version}" (v1 or beta)`;
  });
  if (config.validation_method !== 'NO_VALIDATION' && !config.secret_name)
    details[at('secret_name')] = `required when validation_method is ${config.validation_method}`;
  return details;
}
