import { RouteTable, type RejectedRoute, type RouteDefinition } from './route-table';

const def = (path: string, method: string, target: string, disabled = false): RouteDefinition<string> => ({
  path,
  method,
  target,
  disabled,
});

describe('RouteTable', () => {
  const table = RouteTable.build([
    def('/hello', 'GET', 'hello-get'),
    def('/hello', 'POST', 'hello-post'),
    def('/hello/latest', 'GET', 'latest'),
    def('/a/deeply/nested/route', 'GET', 'nested'),
    def('/any', '*', 'any'),
    def('/mixed', '*', 'mixed-any'),
    def('/mixed', 'GET', 'mixed-get'),
    def('/off', 'GET', 'off', true),
    def('/half', 'GET', 'half-off', true),
    def('/half', 'POST', 'half-on'),
    def('/anyoff', '*', 'anyoff', true),
    def('/time:now', 'GET', 'colon'),
    def('/café', 'GET', 'cafe'),
  ]);

  it('matches exact routes and methods, nested routes too', () => {
    expect(table.match('GET', '/hello')).toEqual({ kind: 'found', target: 'hello-get' });
    expect(table.match('POST', '/hello')).toEqual({ kind: 'found', target: 'hello-post' });
    expect(table.match('GET', '/hello/latest')).toEqual({ kind: 'found', target: 'latest' });
    expect(table.match('GET', '/a/deeply/nested/route')).toEqual({ kind: 'found', target: 'nested' });
  });

  it('is exact: no prefix, trailing-slash or case-insensitive matches', () => {
    for (const path of ['/hello/', '/Hello', '/hell', '/hello/latest/x', '/a/deeply', '/']) {
      expect(table.match('GET', path)).toEqual({ kind: 'not-found' });
    }
  });

  it('"*" matches every method, and a specific method on the same path wins over it', () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) {
      expect(table.match(method, '/any')).toEqual({ kind: 'found', target: 'any' });
    }
    expect(table.match('GET', '/mixed')).toEqual({ kind: 'found', target: 'mixed-get' });
    expect(table.match('DELETE', '/mixed')).toEqual({ kind: 'found', target: 'mixed-any' });
  });

  it('answers method-not-allowed with the allowed methods', () => {
    const match = table.match('DELETE', '/hello');
    expect(match.kind).toBe('method-not-allowed');
    expect(match.kind === 'method-not-allowed' && [...match.allow].sort()).toEqual(['GET', 'POST']);
    expect(table.match('HEAD', '/hello/latest')).toEqual({ kind: 'method-not-allowed', allow: ['GET'] });
  });

  it('treats disabled endpoints as absent: 404 on their method, never listed in Allow', () => {
    expect(table.match('GET', '/off')).toEqual({ kind: 'not-found' });
    expect(table.match('POST', '/off')).toEqual({ kind: 'not-found' });
    expect(table.match('GET', '/half')).toEqual({ kind: 'not-found' });
    expect(table.match('PUT', '/half')).toEqual({ kind: 'method-not-allowed', allow: ['POST'] });
    expect(table.match('PUT', '/anyoff')).toEqual({ kind: 'not-found' });
  });

  it('takes routes literally and matches percent-encoded request paths', () => {
    expect(table.match('GET', '/time:now')).toEqual({ kind: 'found', target: 'colon' });
    expect(table.match('GET', '/time')).toEqual({ kind: 'not-found' });
    expect(table.match('GET', '/caf%C3%A9')).toEqual({ kind: 'found', target: 'cafe' });
  });

  it('rejects routes it cannot serve and duplicates, keeping the rest of the table', () => {
    const rejected: RejectedRoute<string>[] = [];
    const partial = RouteTable.build(
      [def('/ok', 'GET', 'ok'), def('/star*in/middle', 'GET', 'star'), def('/ok', 'GET', 'dup')],
      (r) => rejected.push(r),
    );
    expect(rejected.map((r) => r.definition.target).sort()).toEqual(['dup', 'star']);
    expect(partial.match('GET', '/ok')).toEqual({ kind: 'found', target: 'ok' });
    expect(partial.match('GET', '/star*in/middle')).toEqual({ kind: 'not-found' });
  });
});
