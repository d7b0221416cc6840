import { Logger } from '@nestjs/common';
import { DeploymentEvents } from './deployment-events.service';

describe('DeploymentEvents', () => {
  afterEach(() => jest.restoreAllMocks());

  it('delivers to every listener even when one throws (logging it), and stops after unsubscribe', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const events = new DeploymentEvents();
    const seen: unknown[] = [];
    const unsubscribeBroken = events.subscribe(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = events.subscribe((e) => seen.push(e));
    events.publish({ appId: 'a-abcde', version: 2 });
    unsubscribe();
    unsubscribeBroken();
    events.publish({ appId: 'a-abcde', version: 3 });
    expect(seen).toEqual([{ appId: 'a-abcde', version: 2 }]);
    expect(logged).toHaveBeenCalledTimes(1);
  });
});
