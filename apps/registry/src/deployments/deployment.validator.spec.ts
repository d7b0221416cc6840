import {
  CustomUserDataSpecSchema,
  EndpointSpecSchema,
  type DeploymentSpec,
  type EndpointSpecInput,
} from '@portico/contracts';
import { emptySpec } from './deployment.service';
import { customUserDataIssues, deploymentIssues, endpointIssues } from './deployment.validator';

const endpoint = (e: Partial<EndpointSpecInput>) =>
  EndpointSpecSchema.parse({ route: '/a', http_method: 'GET', function_name: 'f', ...e });
const fns = {
  f: { source: 'exports = () => 1', private: false, run_as_system: true },
} satisfies DeploymentSpec['functions'];

describe('endpointIssues', () => {
  it('accepts distinct routes and distinct methods on one route', () => {
    expect(
      endpointIssues(
        [endpoint({}), endpoint({ http_method: 'POST' }), endpoint({ route: '/b', http_method: '*' })],
        fns,
      ),
    ).toEqual({});
  });

  it('names an unknown function at <index>.function_name', () => {
    expect(endpointIssues([endpoint({}), endpoint({ route: '/b', function_name: 'nope' })], fns)).toEqual({
      '1.function_name': 'function "nope" does not exist',
    });
  });

  it('does not take a function from the object prototype', () => {
    expect(Object.keys(endpointIssues([endpoint({ function_name: 'constructor' })], fns))).toEqual([
      '0.function_name',
    ]);
  });

  it('refuses the same route and method twice, and "*" next to any method of its route', () => {
    expect(Object.keys(endpointIssues([endpoint({}), endpoint({})], fns))).toEqual(['1.http_method']);
    expect(Object.keys(endpointIssues([endpoint({}), endpoint({ http_method: '*' })], fns))).toEqual([
      '1.http_method',
    ]);
    expect(
      Object.keys(endpointIssues([endpoint({ http_method: '*' }), endpoint({ http_method: 'DELETE' })], fns)),
    ).toEqual(['1.http_method']);
  });

  it('requires secret_name for SECRET_AS_QUERY_PARAM and VERIFY_PAYLOAD', () => {
    const issues = endpointIssues(
      [
        endpoint({ validation_method: 'SECRET_AS_QUERY_PARAM' }),
        endpoint({ route: '/b', validation_method: 'VERIFY_PAYLOAD' }),
        endpoint({ route: '/c', validation_method: 'VERIFY_PAYLOAD', secret_name: 's' }),
      ],
      fns,
    );
    expect(Object.keys(issues)).toEqual(['0.secret_name', '1.secret_name']);
  });
});

describe('deploymentIssues', () => {
  it('prefixes endpoint problems with their place in the spec and checks secret-backed values', () => {
    const spec: DeploymentSpec = {
      ...emptySpec(),
      endpoints: [endpoint({ function_name: 'gone' })],
      values: {
        ok: { value: 'sec', from_secret: true },
        bad: { value: 42, from_secret: true },
        plain: { value: 42, from_secret: false },
      },
    };
    expect(Object.keys(deploymentIssues(spec)).sort()).toEqual([
      'endpoints.0.function_name',
      'values.bad.value',
    ]);
  });

  it('finds nothing wrong with an empty app', () => {
    expect(deploymentIssues(emptySpec())).toEqual({});
  });

  it('names a user creation function that does not exist, even while custom user data is off', () => {
    const custom = (name: string, enabled = true) =>
      CustomUserDataSpecSchema.parse({ enabled, on_user_creation_function_name: name });
    expect(deploymentIssues({ ...emptySpec(), functions: fns, custom_user_data: custom('f') })).toEqual({});
    expect(deploymentIssues({ ...emptySpec(), custom_user_data: custom('') })).toEqual({});
    expect(
      deploymentIssues({ ...emptySpec(), functions: fns, custom_user_data: custom('gone', false) }),
    ).toEqual({
      'custom_user_data.on_user_creation_function_name': 'function "gone" does not exist',
    });
    expect(customUserDataIssues(custom('constructor'), fns, '')).toEqual({
      on_user_creation_function_name: 'function "constructor" does not exist',
    });
  });
});
