import { ObjectId, UUID } from 'bson';
import { evaluateExpression } from './expression.evaluator';
import { ExpressionError, type ExpressionContext } from './expression.types';

describe('evaluateExpression (reference §3.3)', () => {
  const userId = '5f1a2b3c4d5e6f7a8b9c0d1e';
  const ctx: ExpressionContext = {
    request: {
      httpMethod: 'POST',
      httpReferrer: 'https://example.com/page',
      httpUserAgent: 'curl/8.0',
      rawQueryString: 'a=1&b=2',
      remoteIPAddress: '10.1.2.3',
      requestHeaders: { 'X-Secret-Key': ['my-secret'], 'Content-Type': ['application/json'] },
      service: '',
      action: 'echo',
      webhookUrl: '/echo',
    },
    user: {
      id: userId,
      type: 'server',
      data: { name: 'ci', email: 'ci@example.com' },
      custom_data: { role: 'admin', level: 7 },
      identities: [{ id: 'k1', provider_type: 'api-key' }],
    },
    values: { adminIds: [userId, 'other'], allowedIPs: ['10.1.2.3'], limit: 5 },
    environment: { tag: 'production', values: { baseUrl: 'https://api.example.com' } },
  };
  const evaluate = (expression: unknown, over: Partial<ExpressionContext> = {}) =>
    evaluateExpression(expression, { ...ctx, ...over });

  it('treats booleans, {} and %%true/%%false as themselves', async () => {
    await expect(evaluate(true)).resolves.toBe(true);
    await expect(evaluate(false)).resolves.toBe(false);
    await expect(evaluate({})).resolves.toBe(true);
    await expect(evaluate('%%true')).resolves.toBe(true);
    await expect(evaluate('%%false')).resolves.toBe(false);
    await expect(evaluate({ '%%true': true })).resolves.toBe(true);
    await expect(evaluate({ '%%false': true })).resolves.toBe(false);
  });

  it("matches the docs' header example with any case of the header name (§7.6)", async () => {
    await expect(evaluate({ '%%request.requestHeaders.x-secret-key': 'my-secret' })).resolves.toBe(true);
    await expect(evaluate({ '%%request.requestHeaders.X-SECRET-KEY': 'my-secret' })).resolves.toBe(true);
    await expect(evaluate({ '%%request.requestHeaders.x-secret-key': 'wrong' })).resolves.toBe(false);
    await expect(
      evaluate(
        { '%%request.requestHeaders.x-secret-key': 'my-secret' },
        {
          request: { ...ctx.request!, requestHeaders: {} },
        },
      ),
    ).resolves.toBe(false);
  });

  it('expands every %%request field', async () => {
    await expect(
      evaluate({
        '%%request.httpMethod': 'POST',
        '%%request.httpReferrer': 'https://example.com/page',
        '%%request.httpUserAgent': 'curl/8.0',
        '%%request.rawQueryString': 'a=1&b=2',
        '%%request.remoteIPAddress': { $in: '%%values.allowedIPs' },
        '%%request.service': '',
        '%%request.action': 'echo',
        '%%request.webhookUrl': '/echo',
      }),
    ).resolves.toBe(true);
    await expect(evaluate({ '%%request.httpMethod': 'GET' })).resolves.toBe(false);
  });

  it('expands %%user, %%values and %%environment, also on the value side', async () => {
    await expect(evaluate({ '%%user.id': { $in: '%%values.adminIds' } })).resolves.toBe(true);
    await expect(evaluate({ '%%user.type': 'server', '%%user.data.email': 'ci@example.com' })).resolves.toBe(
      true,
    );
    await expect(evaluate({ '%%user.custom_data.role': 'admin' })).resolves.toBe(true);
    await expect(evaluate({ '%%user.identities.0.provider_type': 'api-key' })).resolves.toBe(true);
    await expect(
      evaluate({ '%%environment.tag': 'production', '%%environment.values.baseUrl': { '%exists': true } }),
    ).resolves.toBe(true);
    await expect(evaluate({ '%%environment.tag': 'development' })).resolves.toBe(false);
    await expect(evaluate({ '%%values.limit': 5 })).resolves.toBe(true);
    await expect(evaluate({ '%%user.id': '%%values.adminIds' })).resolves.toBe(false);
  });

  it('ANDs the fields of an object', async () => {
    await expect(evaluate({ '%%user.type': 'server', '%%environment.tag': 'production' })).resolves.toBe(
      true,
    );
    await expect(evaluate({ '%%user.type': 'server', '%%environment.tag': 'qa' })).resolves.toBe(false);
  });

  it('applies the comparison operators with MongoDB semantics', async () => {
    const level = (spec: unknown) => evaluate({ '%%user.custom_data.level': spec });
    await expect(level({ $eq: 7 })).resolves.toBe(true);
    await expect(level({ $ne: 7 })).resolves.toBe(false);
    await expect(level({ $gt: 6, $lt: 8 })).resolves.toBe(true);
    await expect(level({ $gte: 7, $lte: 7 })).resolves.toBe(true);
    await expect(level({ $gt: 7 })).resolves.toBe(false);
    await expect(level({ $lt: '%%values.limit' })).resolves.toBe(false);
    await expect(level({ $in: [1, 7] })).resolves.toBe(true);
    await expect(level({ $nin: [1, 7] })).resolves.toBe(false);
    await expect(level({ $nin: [1, 2] })).resolves.toBe(true);
    await expect(evaluate({ '%%user.data.name': { $gt: 'b', $lt: 'd' } })).resolves.toBe(true);
  });

  it('treats a missing path as absent: $exists false, equality fails, $in of a missing list fails', async () => {
    await expect(evaluate({ '%%user.data.missing': { $exists: false } })).resolves.toBe(true);
    await expect(evaluate({ '%%user.data.missing': { $exists: true } })).resolves.toBe(false);
    await expect(evaluate({ '%%user.data.email': { $exists: '%%true' } })).resolves.toBe(true);
    await expect(evaluate({ '%%user.data.missing.deeper': 'x' })).resolves.toBe(false);
    await expect(evaluate({ '%%user.id': { $in: '%%values.nope' } })).resolves.toBe(false);
    await expect(evaluate({ '%%user.id': 'x' }, { user: undefined })).resolves.toBe(false);
    await expect(evaluate({ '%%values.constructor': { $exists: true } })).resolves.toBe(false);
  });

  it('combines with %and / %or, on a field and at the top', async () => {
    await expect(
      evaluate({ '%%user.custom_data.level': { '%and': [{ $gt: 0 }, { $lte: 42 }] } }),
    ).resolves.toBe(true);
    await expect(
      evaluate({ '%%user.custom_data.level': { '%and': [{ $gt: 0 }, { $lte: 5 }] } }),
    ).resolves.toBe(false);
    await expect(evaluate({ '%%user.custom_data.level': { '%or': [{ $lt: 0 }, 7] } })).resolves.toBe(true);
    await expect(
      evaluate({ '%or': [{ '%%environment.tag': 'qa' }, { '%%user.type': 'server' }] }),
    ).resolves.toBe(true);
    await expect(
      evaluate({ '%and': [{ '%%environment.tag': 'production' }, { '%%user.type': 'normal' }] }),
    ).resolves.toBe(false);
  });

  it('compares a field with the result of an embedded expression', async () => {
    await expect(evaluate({ '%%true': { '%%user.type': 'server' } })).resolves.toBe(true);
    await expect(evaluate({ '%%false': { '%%user.type': 'normal' } })).resolves.toBe(true);
    await expect(evaluate({ '%%true': { '%%user.type': 'normal' } })).resolves.toBe(false);
  });

  it('converts ObjectIds and UUIDs', async () => {
    const oid = new ObjectId(userId);
    await expect(
      evaluate({ '%%args.owner': { '%stringToOid': '%%user.id' } }, { args: { owner: oid } }),
    ).resolves.toBe(true);
    await expect(
      evaluate({ '%%args.owner': { '%stringToOid': '%%user.id' } }, { args: { owner: new ObjectId() } }),
    ).resolves.toBe(false);
    await expect(
      evaluate({ '%%user.id': { '%oidToString': '%%args.owner' } }, { args: { owner: oid } }),
    ).resolves.toBe(true);
    const uuid = new UUID();
    const text = uuid.toHexString(true);
    await expect(evaluate({ '%%args.u': { '%stringToUuid': text } }, { args: { u: uuid } })).resolves.toBe(
      true,
    );
    await expect(
      evaluate({ '%%args.s': { '%uuidToString': '%%args.u' } }, { args: { u: uuid, s: text } }),
    ).resolves.toBe(true);
    await expect(evaluate({ '%%args.owner': { '%stringToOid': 'not-an-id' } })).rejects.toThrow(
      ExpressionError,
    );
  });

  it('looks plain field names up in %%args, then %%root', async () => {
    await expect(evaluate({ url: { $exists: true } }, { args: { url: 'https://x' } })).resolves.toBe(true);
    await expect(evaluate({ owner: '%%user.id' }, { root: { owner: userId } })).resolves.toBe(true);
    await expect(evaluate({ url: { $exists: true } })).resolves.toBe(false);
  });

  it('calls %function through the context, with expanded arguments', async () => {
    const calls: unknown[][] = [];
    const callFunction = (name: string, args: unknown[]) => {
      calls.push([name, ...args]);
      return Promise.resolve((args[0] as number) % 2 === 0);
    };
    await expect(
      evaluate({ '%%true': { '%function': { name: 'isEven', arguments: [42] } } }, { callFunction }),
    ).resolves.toBe(true);
    await expect(
      evaluate(
        { '%%true': { '%function': { name: 'isEven', arguments: ['%%values.limit'] } } },
        { callFunction },
      ),
    ).resolves.toBe(false);
    expect(calls).toEqual([
      ['isEven', 42],
      ['isEven', 5],
    ]);
    await expect(evaluate({ '%%true': { '%function': { name: 'isEven' } } })).rejects.toThrow(
      /cannot be evaluated/,
    );
  });

  it('refuses what it cannot evaluate (the caller denies)', async () => {
    await expect(evaluate({ '%%user.id': { $regex: 'x' } })).rejects.toThrow(/unknown operator '\$regex'/);
    await expect(evaluate({ '%%nope.x': 1 })).rejects.toThrow(/unknown expansion/);
    await expect(evaluate({ $in: [1] })).rejects.toThrow(/cannot stand in for a field/);
    await expect(evaluate('yes')).rejects.toThrow(/boolean or an object/);
    await expect(evaluate({ '%or': {} })).rejects.toThrow(/needs an array/);
  });
});
