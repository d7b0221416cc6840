import { decodeGuestResult } from './guest-result.codec';

const body = Buffer.from('"hi"');
const malformed = {
  code: 'InternalServerError',
  message: 'sandbox returned a malformed result',
  status: 500,
};

describe('decodeGuestResult (untrusted guest output)', () => {
  it('decodes a response, an empty body as null', () => {
    expect(decodeGuestResult('{"s":201,"h":{"X-A":["1","2"]},"l":["log: x"]}', body)).toEqual({
      response: { status: 201, headers: { 'X-A': ['1', '2'] }, body },
      logs: ['log: x'],
    });
    expect(decodeGuestResult('{"s":204,"h":{},"l":[]}', Buffer.alloc(0)).response?.body).toBeNull();
  });

  it('decodes a guest failure with one of the codes a guest may report', () => {
    expect(
      decodeGuestResult('{"e":{"code":"FunctionExecutionError","message":"boom"},"l":["log: a"]}', body),
    ).toEqual({
      error: { code: 'FunctionExecutionError', message: 'boom' },
      logs: ['log: a'],
    });
    expect(
      decodeGuestResult('{"e":{"code":"FunctionNotFound","message":"x"},"l":[]}', body).error?.code,
    ).toBe('FunctionNotFound');
  });

  it.each([
    ['not JSON', 'nope'],
    ['a non-object', '42'],
    ['a status out of range', '{"s":1000,"h":{},"l":[]}'],
    ['a fractional status', '{"s":200.5,"h":{},"l":[]}'],
    ['headers that are not string arrays', '{"s":200,"h":{"A":"x"},"l":[]}'],
    ['headers as an array', '{"s":200,"h":[],"l":[]}'],
    ['a code a guest may not claim', '{"e":{"code":"MemoryLimitExceeded","message":"x"},"l":[]}'],
    ['an error without message', '{"e":{"code":"FunctionExecutionError"},"l":[]}'],
  ])('turns %s into an internal error', (_, head) => {
    expect(decodeGuestResult(head, body).error).toEqual(malformed);
  });

  it('drops logs that are not a string array', () => {
    expect(decodeGuestResult('{"s":200,"h":{},"l":[1,2]}', body).logs).toEqual([]);
  });
});
