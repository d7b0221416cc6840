import { secretsEqual } from './secret-compare';

describe('secretsEqual', () => {
  it('is true only for the same string', () => {
    expect(secretsEqual('Super5ecr3tPa55w0rd', 'Super5ecr3tPa55w0rd')).toBe(true);
    expect(secretsEqual('Super5ecr3tPa55w0rd', 'Super5ecr3tPa55w0rD')).toBe(false);
    expect(secretsEqual('Super5ecr3tPa55w0rd', 'Super5ecr3t')).toBe(false);
    expect(secretsEqual('Super5ecr3tPa55w0rd', '')).toBe(false);
  });
});
