import {
  APP_ID_PATTERN,
  DEFAULT_LIMITS,
  asAppId,
  ErrorCode,
  PorticoError,
  type DeploymentChanged,
} from '@portico/contracts';
import { createInMemoryStore } from '../testing/in-memory-store';
import { DeploymentEvents } from './deployment-events.service';
import { DeploymentService } from './deployment.service';

function setup() {
  const store = createInMemoryStore();
  const events = new DeploymentEvents();
  const published: DeploymentChanged[] = [];
  events.subscribe((e) => published.push(e));
  return { store, events, published, service: new DeploymentService(store, events) };
}

const fn = { source: 'exports = () => 1', private: false, run_as_system: true };

describe('DeploymentService', () => {
  it('creates an app at version 1 with default limits and publishes it', async () => {
    const { service, published } = setup();
    const { app, deployment } = await service.createApp('Hello_World');
    expect(app.id).toMatch(APP_ID_PATTERN);
    expect(app.id).toMatch(/^hello-world-[a-z]{5}$/);
    expect(app.version).toBe(1);
    expect(deployment.spec.limits).toEqual(DEFAULT_LIMITS);
    expect(published).toEqual([{ appId: app.id, version: 1 }]);
  });

  it('retries with a new id when the drawn one is taken', async () => {
    const { service, store } = setup();
    const createApp = jest.spyOn(store.metadata, 'createApp');
    createApp.mockRejectedValueOnce(new PorticoError(ErrorCode.Conflict, 'taken', 409));
    const { app } = await service.createApp('x');
    expect(createApp).toHaveBeenCalledTimes(2);
    expect(createApp.mock.calls[1][0].id).toBe(app.id);
  });

  it('commits every change as the next version, on a copy, and publishes it', async () => {
    const { service, store, published } = setup();
    const { app, deployment: v1 } = await service.createApp('a');
    const {
      previous,
      current,
      app: after,
    } = await service.change(app.id, (spec) => {
      spec.functions.f = fn;
      return spec;
    });
    expect(previous.version).toBe(1);
    expect(current.version).toBe(2);
    expect(after.version).toBe(2);
    expect(current.spec.functions).toEqual({ f: fn });
    expect(v1.spec.functions).toEqual({});
    expect((await store.metadata.getDeployment(asAppId(app.id), 1))?.spec.functions).toEqual({});
    expect(published.at(-1)).toEqual({ appId: app.id, version: 2 });
  });

  it('writes and publishes nothing when the mutation throws or leaves a broken cross-reference', async () => {
    const { service, store, published } = setup();
    const { app } = await service.createApp('a');
    const before = published.length;
    await expect(
      service.change(app.id, () => {
        throw new PorticoError(ErrorCode.NotFound, 'nope', 404);
      }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      service.change(app.id, (spec) => ({
        ...spec,
        endpoints: [
          {
            route: '/x',
            http_method: 'GET',
            function_name: 'missing',
            validation_method: 'NO_VALIDATION',
            respond_result: true,
            fetch_custom_user_data: false,
            create_user_on_auth: false,
            disabled: false,
            return_type: 'JSON',
          },
        ],
      })),
    ).rejects.toMatchObject({
      status: 400,
      details: { 'endpoints.0.function_name': 'function "missing" does not exist' },
    });
    expect(store.metadata.commits).toBe(0);
    expect((await store.metadata.getApp(asAppId(app.id)))?.version).toBe(1);
    expect(published.length).toBe(before);
  });

  it('re-applies the mutation on top of a concurrent commit', async () => {
    const { service, store } = setup();
    const { app } = await service.createApp('a');
    let calls = 0;
    const { current } = await service.change(app.id, (spec) => {
      calls++;
      // The first time, another writer commits in between the read and this commit.
      if (calls === 1)
        void store.metadata.commitDeployment(asAppId(app.id), 1, {
          ...spec,
          values: { other: { value: 1, from_secret: false } },
        });
      return { ...spec, values: { ...spec.values, mine: { value: 2, from_secret: false } } };
    });
    expect(calls).toBe(2);
    expect(current.version).toBe(3);
    expect(Object.keys(current.spec.values).sort()).toEqual(['mine', 'other']);
  });

  it('queues concurrent changes of one app in this process instead of letting them conflict', async () => {
    const { service, store } = setup();
    const { app } = await service.createApp('a');
    const commits = jest.spyOn(store.metadata, 'commitDeployment');
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        service.change(app.id, (spec) => ({
          ...spec,
          values: { ...spec.values, [`v${i}`]: { value: i, from_secret: false } },
        })),
      ),
    );
    expect(results.map((r) => r.current.version)).toEqual([2, 3, 4, 5, 6]);
    expect(commits).toHaveBeenCalledTimes(5);
    expect(Object.keys(results[4].current.spec.values)).toHaveLength(5);
  });

  it('keeps the queue going after a rejected change', async () => {
    const { service } = setup();
    const { app } = await service.createApp('a');
    const failing = service.change(app.id, () => {
      throw new PorticoError(ErrorCode.BadRequest, 'no', 400);
    });
    const next = service.change(app.id, (s) => s);
    await expect(failing).rejects.toMatchObject({ status: 400 });
    expect((await next).current.version).toBe(2);
  });

  it('gives up with Conflict when every attempt loses the race', async () => {
    const { service, store } = setup();
    const { app } = await service.createApp('a');
    jest
      .spyOn(store.metadata, 'commitDeployment')
      .mockRejectedValue(new PorticoError(ErrorCode.Conflict, 'lost', 409));
    await expect(service.change(app.id, (s) => s)).rejects.toMatchObject({ code: ErrorCode.Conflict });
    expect(store.metadata.commitDeployment).toHaveBeenCalledTimes(5);
  });

  it('answers 404 for an unknown app and for an id that cannot exist', async () => {
    const { service } = setup();
    await expect(service.current('nope-abcde')).rejects.toMatchObject({
      status: 404,
      code: ErrorCode.NotFound,
    });
    await expect(service.change('Not An Id', (s) => s)).rejects.toMatchObject({ status: 404 });
  });

  it('deletes the app and its data and publishes version null', async () => {
    const { service, store, published } = setup();
    const { app } = await service.createApp('a');
    await service.deleteApp(app.id);
    expect(await store.metadata.getApp(asAppId(app.id))).toBeNull();
    expect(store.droppedApps).toEqual([app.id]);
    expect(published.at(-1)).toEqual({ appId: app.id, version: null });
    await expect(service.deleteApp(app.id)).rejects.toMatchObject({ status: 404 });
  });

  it('lists stored versions newest first', async () => {
    const { service } = setup();
    const { app } = await service.createApp('a');
    await service.change(app.id, (s) => s);
    await service.change(app.id, (s) => s);
    expect((await service.history(app.id)).map((d) => d.version)).toEqual([3, 2, 1]);
  });
});
