import { jobOf } from '../testing/sandbox.fixtures';
import { encodeGuestJob } from './guest-job.codec';

describe('encodeGuestJob', () => {
  it('puts what every invocation needs first, the rest after a newline, and never the body bytes', () => {
    const job = jobOf(
      'app-abcde',
      'fn',
      { responseFormat: 'EJSON' },
      { body: Uint8Array.of(1, 2, 3), query: { a: 'line\nbreak' } },
    );
    const text = encodeGuestJob(job);
    const [core, detail, ...rest] = text.split('\n');
    expect(rest).toEqual([]);
    expect(JSON.parse(core)).toEqual({
      f: 'fn',
      fmt: 'EJSON',
      rr: true,
      sys: true,
      b: 3,
      h: job.request.headers,
      q: { a: 'line\nbreak' },
    });
    expect(JSON.parse(detail)).toEqual({
      request: { method: 'GET', route: '/hello', rawQueryString: '', remoteIPAddress: '127.0.0.1' },
      endpoint: { route: '/hello', httpMethod: 'GET' },
      user: job.user,
    });
    expect(JSON.parse(encodeGuestJob(jobOf('app-abcde', 'fn')).split('\n')[0])).toMatchObject({ b: null });
  });

  it('tells the guest when the worker already decided the user of a Script run mode (ud)', () => {
    const core = (job: ReturnType<typeof jobOf>) => JSON.parse(encodeGuestJob(job).split('\n')[0]) as object;
    expect(core(jobOf('app-abcde', 'fn'))).not.toHaveProperty('ud');
    expect(core({ ...jobOf('app-abcde', 'fn'), userDecided: true })).toMatchObject({ ud: 1 });
  });
});
