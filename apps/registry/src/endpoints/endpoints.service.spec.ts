import { EndpointSpecSchema, type EndpointSpecInput } from '@portico/contracts';
import { FunctionsService } from '../functions/functions.service';
import { PutFunctionSchema } from '../functions/function.dto';
import { createTestDeployments } from '../testing/in-memory-store';
import { EndpointsService } from './endpoints.service';

const endpoint = (e: Partial<EndpointSpecInput>) =>
  EndpointSpecSchema.parse({ route: '/a', http_method: 'GET', function_name: 'f', ...e });

async function setup() {
  const t = createTestDeployments();
  const { app } = await t.deployments.createApp('eps');
  await new FunctionsService(t.deployments).put(
    app.id,
    'f',
    PutFunctionSchema.parse({ source: 'exports = () => 1' }),
  );
  return { ...t, app, endpoints: new EndpointsService(t.deployments) };
}

describe('EndpointsService', () => {
  it('replaces the whole list and returns it as stored', async () => {
    const { endpoints, app } = await setup();
    await endpoints.replace(app.id, [endpoint({}), endpoint({ route: '/b' })]);
    const stored = await endpoints.replace(app.id, [
      endpoint({ route: '/c', http_method: '*', return_type: 'EJSON' }),
    ]);
    expect(stored).toEqual([
      expect.objectContaining({
        route: '/c',
        http_method: '*',
        return_type: 'EJSON',
        validation_method: 'NO_VALIDATION',
      }),
    ]);
    expect(await endpoints.list(app.id)).toEqual(stored);
  });

  it('rejects unknown functions, duplicate routes and missing secret names with body-relative paths, writing nothing', async () => {
    const { endpoints, app, store, published } = await setup();
    const commits = store.metadata.commits;
    const events = published.length;
    await expect(
      endpoints.replace(app.id, [
        endpoint({}),
        endpoint({ http_method: '*' }),
        endpoint({ route: '/z', function_name: 'ghost', validation_method: 'VERIFY_PAYLOAD' }),
      ]),
    ).rejects.toMatchObject({
      status: 400,
      details: {
        '1.http_method': expect.stringContaining('conflicts with endpoint 0'),
        '2.function_name': 'function "ghost" does not exist',
        '2.secret_name': 'required when validation_method is VERIFY_PAYLOAD',
      },
    });
    expect(store.metadata.commits).toBe(commits);
    expect(published.length).toBe(events);
    expect(await endpoints.list(app.id)).toEqual([]);
  });
});
