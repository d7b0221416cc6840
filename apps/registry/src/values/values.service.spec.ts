import { SecretsService } from '../secrets/secrets.service';
import { createTestDeployments } from '../testing/in-memory-store';
import { PutValueSchema } from './value.dto';
import { ValuesService } from './values.service';

async function setup() {
  const t = createTestDeployments();
  const { app } = await t.deployments.createApp('vals');
  return { ...t, app, values: new ValuesService(t.deployments), secrets: new SecretsService(t.deployments) };
}

describe('ValuesService', () => {
  it('stores plain and secret-backed values (the secret may be unset) and lists them by name', async () => {
    const { values, app } = await setup();
    expect(await values.put(app.id, 'scopes', PutValueSchema.parse({ value: ['a', 'b'] }))).toEqual({
      name: 'scopes',
      value: ['a', 'b'],
      from_secret: false,
    });
    await values.put(app.id, 'key', PutValueSchema.parse({ value: 'privateKey', from_secret: true }));
    expect(await values.list(app.id)).toEqual([
      { name: 'key', value: 'privateKey', from_secret: true },
      { name: 'scopes', value: ['a', 'b'], from_secret: false },
    ]);
    await values.delete(app.id, 'key');
    await expect(values.delete(app.id, 'key')).rejects.toMatchObject({ status: 404 });
    expect((await values.list(app.id)).map((v) => v.name)).toEqual(['scopes']);
  });

  it('requires a value, and a secret name when from_secret is set', () => {
    expect(PutValueSchema.safeParse({}).error?.issues.map((i) => i.path)).toEqual([['value']]);
    expect(
      PutValueSchema.safeParse({ value: 42, from_secret: true }).error?.issues.map((i) => i.path),
    ).toEqual([['value']]);
    expect(PutValueSchema.safeParse({ value: null }).success).toBe(true);
  });
});

describe('SecretsService', () => {
  it('tells created from replaced and only ever lists names', async () => {
    const { secrets, app, deployments } = await setup();
    expect(await secrets.put(app.id, 'pw', { value: 'one' })).toEqual({
      created: true,
      secret: { name: 'pw' },
    });
    expect(await secrets.put(app.id, 'pw', { value: 'two' })).toEqual({
      created: false,
      secret: { name: 'pw' },
    });
    expect(await secrets.list(app.id)).toEqual([{ name: 'pw' }]);
    expect((await deployments.current(app.id)).deployment.spec.secrets).toEqual({ pw: 'two' });
    await secrets.delete(app.id, 'pw');
    await expect(secrets.delete(app.id, 'pw')).rejects.toMatchObject({ status: 404 });
  });
});
