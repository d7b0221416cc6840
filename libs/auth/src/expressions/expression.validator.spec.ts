import { expressionIssues as issuesOf } from './expression.validator';

const expressionIssues = (expression: unknown, path?: string) =>
  issuesOf(expression, path).map(({ path, message }) => `${path}: ${message}`);

describe('expressionIssues', () => {
  it.each([
    [{}],
    [true],
    [{ '%%request.requestHeaders.x-secret-key': 'my-secret' }],
    [{ owner: '%%user.id', '%%request.remoteIPAddress': { $in: '%%values.allowedClientIPAddresses' } }],
    [{ '%%args.someNumber': { '%and': [{ $gt: 0 }, { $lte: 42 }] } }],
    [{ '%%environment.tag': 'production', '%%environment.values.baseUrl': { '%exists': true } }],
    [{ '%%true': { '%function': { name: 'isEven', arguments: [42] } } }],
    [{ _id: { '%stringToOid': '%%user.id' } }],
    [{ '%or': [{ '%%root.status': 'new' }, { '%%user.type': 'server' }] }],
  ])('accepts the documented form %j', (expression) => {
    expect(expressionIssues(expression)).toEqual([]);
  });

  it('names every problem with its path', () => {
    expect(
      expressionIssues({
        '%%user.id': { $regex: 'a' },
        '%%usr.id': 'x',
        '%not': [{}],
        '%%values.x': { $in: 5 },
        '%%values.y': { $eq: 1, name: 'x' },
        '%%true': { '%function': { arguments: [] } },
        '%%values.z': { '%stringToOid': { '%oidToString': 'x' } },
        '%%values.w': ['%%bogus'],
      }),
    ).toEqual([
      "can_evaluate.%%user.id.$regex: unknown operator '$regex'",
      "can_evaluate.%%usr.id: unknown expansion '%%usr.id'",
      "can_evaluate.%not: unknown operator '%not'",
      'can_evaluate.%%values.x.$in: needs an array or an expansion',
      'can_evaluate.%%values.y: mixes operators with field names',
      'can_evaluate.%%true.%function: needs {"name": "<function>", "arguments": [...]}',
      'can_evaluate.%%values.z.%stringToOid: takes a literal or an expansion, not another operator',
      "can_evaluate.%%values.w.0: unknown expansion '%%bogus'",
    ]);
    expect(expressionIssues('maybe', 'data_api.can_evaluate')).toEqual([
      'data_api.can_evaluate: an expression must be a boolean or an object',
    ]);
  });
});
