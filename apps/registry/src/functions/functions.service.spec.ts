import { EndpointSpecSchema, ErrorCode } from '@portico/contracts';
import { EndpointsService } from '../endpoints/endpoints.service';
import { createTestDeployments } from '../testing/in-memory-store';
import { PutFunctionSchema } from './function.dto';
import { FunctionsService } from './functions.service';

async function setup() {
  const t = createTestDeployments();
  const { app } = await t.deployments.createApp('fns');
  return {
    ...t,
    app,
    functions: new FunctionsService(t.deployments),
    endpoints: new EndpointsService(t.deployments),
  };
}

const dto = (source: string, extra: object = {}) => PutFunctionSchema.parse({ source, ...extra });

describe('FunctionsService', () => {
  it('creates, then replaces, a function with a "/" in its name, never echoing the source', async () => {
    const { functions, app, deployments } = await setup();
    const created = await functions.put(
      app.id,
      'endpoint/hello/latest',
      dto('exports = () => 1', { run_as_system: true }),
    );
    expect(created).toEqual({
      created: true,
      fn: { name: 'endpoint/hello/latest', private: false, run_as_system: true },
    });
    const replaced = await functions.put(
      app.id,
      'endpoint/hello/latest',
      dto('exports = () => 2', { private: true }),
    );
    expect(replaced).toEqual({
      created: false,
      fn: { name: 'endpoint/hello/latest', private: true, run_as_system: false },
    });
    expect((await deployments.current(app.id)).deployment.version).toBe(3);
    expect(await functions.get(app.id, 'endpoint/hello/latest')).toMatchObject({
      source: 'exports = () => 2',
      private: true,
    });
  });

  it('lists functions by name without their sources', async () => {
    const { functions, app } = await setup();
    await functions.put(app.id, 'b', dto('B'));
    await functions.put(app.id, 'a', dto('A', { run_as_user_id: 'u1' }));
    expect(await functions.list(app.id)).toEqual([
      { name: 'a', private: false, run_as_system: false, run_as_user_id: 'u1' },
      { name: 'b', private: false, run_as_system: false },
    ]);
  });

  it('answers 404 for an unknown function, including names on the object prototype', async () => {
    const { functions, app } = await setup();
    await expect(functions.get(app.id, 'nope')).rejects.toMatchObject({
      status: 404,
      code: ErrorCode.NotFound,
    });
    await expect(functions.get(app.id, 'constructor')).rejects.toMatchObject({ status: 404 });
    await expect(functions.delete(app.id, 'toString')).rejects.toMatchObject({ status: 404 });
  });

  it('refuses with 409 to delete a function an endpoint uses, and deletes it once unused', async () => {
    const { functions, endpoints, app, store } = await setup();
    await functions.put(app.id, 'f', dto('F'));
    await endpoints.replace(app.id, [
      EndpointSpecSchema.parse({ route: '/f', http_method: 'GET', function_name: 'f' }),
    ]);
    const commits = store.metadata.commits;
    await expect(functions.delete(app.id, 'f')).rejects.toMatchObject({
      status: 409,
      code: ErrorCode.Conflict,
      details: { endpoints: ['GET /f'] },
    });
    expect(store.metadata.commits).toBe(commits);
    await endpoints.replace(app.id, []);
    await functions.delete(app.id, 'f');
    expect(await functions.list(app.id)).toEqual([]);
  });
});

describe('PutFunctionSchema', () => {
  it('treats empty run_as_user_id strings as unset and refuses both set at once', () => {
    expect(
      PutFunctionSchema.parse({ source: 's', run_as_user_id: '', run_as_user_id_script_source: '' }),
    ).toEqual({ source: 's', private: false, run_as_system: false });
    const result = PutFunctionSchema.safeParse({
      source: 's',
      run_as_user_id: 'u',
      run_as_user_id_script_source: 'exports = () => "u"',
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(['run_as_user_id_script_source']);
  });
});
