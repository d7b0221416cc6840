import { hashApiKey } from '@portico/auth';
import { createTestDeployments } from '../testing/in-memory-store';
import { ApiKeysService } from './api-keys.service';

describe('ApiKeysService', () => {
  it('shows a new key once and stores only its hash', async () => {
    const { deployments } = createTestDeployments();
    const { app } = await deployments.createApp('keys');
    const apiKeys = new ApiKeysService(deployments);
    const created = await apiKeys.create(app.id, { name: 'server' });
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: 'server',
      key: expect.stringMatching(/^[A-Za-z0-9]{64}$/),
    });
    const stored = (await deployments.current(app.id)).deployment.spec.api_keys;
    expect(stored).toEqual([
      {
        id: created.id,
        name: 'server',
        hash: hashApiKey(created.key),
        disabled: false,
        created_at: expect.any(String),
      },
    ]);
    expect(JSON.stringify(stored)).not.toContain(created.key);
    const listed = await apiKeys.list(app.id);
    expect(listed).toEqual([
      { id: created.id, name: 'server', disabled: false, created_at: stored[0].created_at },
    ]);
    await apiKeys.delete(app.id, created.id);
    expect(await apiKeys.list(app.id)).toEqual([]);
    await expect(apiKeys.delete(app.id, created.id)).rejects.toMatchObject({ status: 404 });
  });
});
