import { DEFAULT_LIMITS, type Admission, type AdmissionLimits, type Rejection } from '@portico/contracts';
import { InProcessAdmissionController } from './in-process-admission.service';

const limits = (over: Partial<AdmissionLimits>): AdmissionLimits => ({ timeout_ms: 1000, ...over });
const admitted = (answers: (Admission | Rejection)[]): Admission[] =>
  answers.filter((a): a is Admission => a.admitted);

describe('InProcessAdmissionController', () => {
  let nowUs: number;
  let admission: InProcessAdmissionController;
  beforeEach(() => {
    nowUs = 1_000_000_000;
    admission = new InProcessAdmissionController(() => nowUs);
  });
  const admitMany = (n: number, appId: string, l: AdmissionLimits) =>
    Promise.all(Array.from({ length: n }, () => admission.admit(appId, l)));

  it('admits exactly rate_per_sec at once, then one more per 1/rate s, with Retry-After', async () => {
    const l = limits({ rate_per_sec: 5 });
    const first = await admitMany(8, 'a', l);
    expect(admitted(first)).toHaveLength(5);
    expect(first.slice(5)).toEqual(
      Array(3).fill({ admitted: false, limit: 'rate_per_sec', retryAfterSeconds: 1 }),
    );
    nowUs += 199_000;
    expect((await admission.admit('a', l)).admitted).toBe(false);
    nowUs += 1_000;
    expect((await admission.admit('a', l)).admitted).toBe(true);
    expect((await admission.admit('a', l)).admitted).toBe(false);
    nowUs += 1_000_000;
    expect(admitted(await admitMany(7, 'a', l))).toHaveLength(5);
  });

  it('admits a full burst for rates that do not divide a second', async () => {
    for (const rate of [3, 7, 999]) {
      expect(admitted(await admitMany(rate + 2, `r${rate}`, limits({ rate_per_sec: rate })))).toHaveLength(
        rate,
      );
    }
  });

  it('admits at most max_concurrent in flight; release frees one slot, once', async () => {
    const l = limits({ max_concurrent: 3 });
    const answers = await admitMany(5, 'a', l);
    const inside = admitted(answers);
    expect(inside).toHaveLength(3);
    expect(answers[3]).toEqual({ admitted: false, limit: 'max_concurrent', retryAfterSeconds: 1 });
    expect(admission.inflight('a')).toBe(3);
    inside[0].release();
    inside[0].release();
    expect(admission.inflight('a')).toBe(2);
    expect(admitted(await admitMany(3, 'a', l))).toHaveLength(1);
  });

  it('keeps apps apart', async () => {
    const l = limits({ max_concurrent: 1, rate_per_sec: 1 });
    expect((await admission.admit('a', l)).admitted).toBe(true);
    expect((await admission.admit('b', l)).admitted).toBe(true);
    expect((await admission.admit('a', l)).admitted).toBe(false);
  });

  it('does not spend a rate token on a request the concurrency limit refused', async () => {
    const l = limits({ max_concurrent: 1, rate_per_sec: 2 });
    const first = (await admission.admit('a', l)) as Admission;
    expect(await admission.admit('a', l)).toMatchObject({ admitted: false, limit: 'max_concurrent' });
    first.release();
    expect((await admission.admit('a', l)).admitted).toBe(true);
  });

  it('applies the defaults when the snapshot lacks the limits: no rate limit, 10000 in flight', async () => {
    const answers = await admitMany(DEFAULT_LIMITS.max_concurrent + 1, 'a', limits({}));
    expect(admitted(answers)).toHaveLength(DEFAULT_LIMITS.max_concurrent);
    expect(answers.at(-1)).toMatchObject({ admitted: false, limit: 'max_concurrent' });
    expect(admitted(await admitMany(50, 'b', limits({ rate_per_sec: null })))).toHaveLength(50);
  });

  it('forgets an app once it is idle', async () => {
    const [a] = admitted(await admitMany(1, 'a', limits({ rate_per_sec: 10 })));
    nowUs += 2_000_000;
    a.release();
    expect(admission.inflight('a')).toBe(0);
    expect((admission as unknown as { apps: Map<string, unknown> }).apps.size).toBe(0);
  });
});
