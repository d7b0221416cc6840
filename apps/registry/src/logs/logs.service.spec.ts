import { loadConfig } from '@portico/config';
import { asAppId, type InvocationLogEntry } from '@portico/contracts';
import { createTestDeployments } from '../testing/in-memory-store';
import { LogsQuerySchema } from './log.dto';
import { LogsService } from './logs.service';

const entry = (i: number): InvocationLogEntry => ({
  id: `l${i}`,
  requestId: `r${i}`,
  time: new Date(1_700_000_000_000 + i).toISOString(),
  type: 'endpoint',
  method: 'GET',
  route: '/a',
  function_name: 'f',
  status: 200,
  duration_ms: 1,
  logs: [],
});

describe('LogsService', () => {
  it('lists newest first, honours the limit, filters by request id and 404s for unknown apps', async () => {
    const { store, deployments } = createTestDeployments();
    const { app } = await deployments.createApp('logs');
    for (let i = 0; i < 5; i++) await store.metadata.appendLog(asAppId(app.id), entry(i));
    const logs = new LogsService(store, loadConfig({}), deployments);
    expect((await logs.list(app.id, LogsQuerySchema.parse({ limit: '2' }))).logs.map((l) => l.id)).toEqual([
      'l4',
      'l3',
    ]);
    expect((await logs.list(app.id, LogsQuerySchema.parse({}))).logs).toHaveLength(5);
    expect(
      (await logs.list(app.id, LogsQuerySchema.parse({ request_id: 'r1', limit: '1' }))).logs.map(
        (l) => l.id,
      ),
    ).toEqual(['l1']);
    await expect(logs.list('nope-abcde', LogsQuerySchema.parse({}))).rejects.toMatchObject({ status: 404 });
  });

  it('bounds limit to 1..1000', () => {
    expect(LogsQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
    expect(LogsQuerySchema.safeParse({ limit: '1001' }).success).toBe(false);
    expect(LogsQuerySchema.safeParse({ limit: 'x' }).success).toBe(false);
  });
});
