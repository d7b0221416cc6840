/** An Atlas `http_endpoints/config.json` entry: GET, no validation, respond_result, JSON, unless `extra` says otherwise. */
export const endpoint = (route: string, function_name: string, extra: Record<string, unknown> = {}) => ({
  route,
  http_method: 'GET',
  function_name,
  validation_method: 'NO_VALIDATION',
  respond_result: true,
  return_type: 'JSON',
  ...extra,
});
