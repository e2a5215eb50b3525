import { describe, expect, it } from 'vitest';
import { ClusterError } from '../../src/errors.js';
import { isTransient, Retrier, type Clock } from '../../src/retry.js';

/** A clock that moves only when the code sleeps, so tests never wait. */
function fakeClock(random = 0.5): Clock & { sleeps: number[]; t: number } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
      return Promise.resolve();
    },
    random: () => random,
  };
  return clock;
}

const lines: string[] = [];
const log = { info: (m: string) => lines.push(m), warning: (m: string) => lines.push(m) };

const refused = (): ClusterError =>
  new ClusterError('refused', 'connection to h:1 was refused', 'fix');
const status = (code: number, retryAfterMs?: number): ClusterError =>
  new ClusterError('server-error', `answered ${code}`, 'fix', {
    status: code,
    retryAfterMs,
    serverText: 'busy',
  });

describe('isTransient', () => {
  it.each([
    ['connection refused', refused(), true],
    ['connection reset', new ClusterError('reset', 'x', 'y'), true],
    ['a timeout', new ClusterError('timeout', 'x', 'y'), true],
    ['429', status(429), true],
    ['500', status(500), true],
    ['502', status(502), true],
    ['503', status(503), true],
    ['504', status(504), true],
    ['501', status(501), false],
    [
      'a proxy that cannot reach the server (502)',
      new ClusterError('proxy', 'x', 'y', { status: 502 }),
      true,
    ],
    ['a proxy that wants credentials (407)', new ClusterError('proxy', 'x', 'y'), false],
    ['401', new ClusterError('unauthorized', 'x', 'y', { status: 401 }), false],
    ['403', new ClusterError('forbidden', 'x', 'y', { status: 403 }), false],
    ['a TLS error', new ClusterError('tls-ca', 'x', 'y'), false],
    ['an unknown DNS name', new ClusterError('dns', 'x', 'y'), false],
    ['a malformed answer', new ClusterError('not-kubernetes', 'x', 'y'), false],
    ['an unexpected error', new Error('boom'), false],
  ])('%s → %s', (_name, err, expected) => {
    expect(isTransient(err)).toBe(expected);
  });
});

describe('Retrier', () => {
  it('retries transient failures with growing, capped delays, then succeeds', async () => {
    const clock = fakeClock();
    const retrier = new Retrier(60_000, clock, log);
    let calls = 0;
    const value = await retrier.run('GET /version', 10_000, async () => {
      calls++;
      if (calls < 7) throw refused();
      return Promise.resolve('ok');
    });
    expect(value).toBe('ok');
    expect(retrier.attempts).toBe(7);
    // equal jitter with random 0.5: 3/4 of min(5s, 500ms·2^(n-1))
    expect(clock.sleeps).toEqual([375, 750, 1500, 3000, 3750, 3750]);
  });

  it('honours Retry-After instead of its own backoff', async () => {
    const clock = fakeClock();
    const retrier = new Retrier(30_000, clock, log);
    let calls = 0;
    await retrier.run('POST x', 10_000, async () => {
      if (++calls === 1) throw status(429, 2_000);
      return Promise.resolve(1);
    });
    expect(clock.sleeps).toEqual([2_000]);
  });

  it('gives up at once when Retry-After is longer than the budget, saying so', async () => {
    const clock = fakeClock();
    const retrier = new Retrier(5_000, clock, log);
    await expect(
      retrier.run('POST x', 10_000, async () => Promise.reject(status(429, 32_000))),
    ).rejects.toThrow(
      /answered 429; the server asked to retry after 32s, longer than "wait" \(5s\) allows/,
    );
    expect(clock.sleeps).toEqual([]);
  });

  it('never retries a failure that cannot pass by itself', async () => {
    const clock = fakeClock();
    const retrier = new Retrier(30_000, clock, log);
    const unauthorized = new ClusterError('unauthorized', 'rejected', 'fix', { status: 401 });
    await expect(
      retrier.run('GET /version', 10_000, async () => Promise.reject(unauthorized)),
    ).rejects.toBe(unauthorized);
    expect(retrier.attempts).toBe(1);
  });

  it('makes one attempt with the full timeout when wait is 0', async () => {
    const clock = fakeClock();
    const retrier = new Retrier(0, clock, log);
    const limits: number[] = [];
    await expect(
      retrier.run('GET /version', 10_000, async (limit) => {
        limits.push(limit);
        return Promise.reject(refused());
      }),
    ).rejects.toThrow('was refused');
    expect(limits).toEqual([10_000]);
  });

  it('gives up within the wait budget, saying how many attempts it made', async () => {
    const clock = fakeClock();
    const retrier = new Retrier(10_000, clock, log);
    const failure = retrier.run('GET /version', 10_000, async () => Promise.reject(refused()));
    await expect(failure).rejects.toThrow(/still failing after \d+ attempts in 10s/);
    expect(clock.t).toBeLessThanOrEqual(10_000);
  });

  it('gives a first attempt the whole timeout and a retry only what is left of the budget', async () => {
    const clock = fakeClock();
    const retrier = new Retrier(5_000, clock, log);
    const limits: number[] = [];
    await expect(
      retrier.run('GET /version', 3_000, async (limit) => {
        limits.push(limit);
        clock.t += limit;
        return Promise.reject(new ClusterError('timeout', 'no answer', 'fix'));
      }),
    ).rejects.toThrow('no answer');
    expect(limits[0]).toBe(3_000);
    expect(limits[1]).toBeLessThan(2_000);
    expect(limits.every((l) => l <= 3_000)).toBe(true);
    expect(clock.t).toBeLessThanOrEqual(6_000);
  });

  it('never raises the timeout above what was asked', async () => {
    const clock = fakeClock();
    const retrier = new Retrier(30_000, clock, log);
    const limits: number[] = [];
    let calls = 0;
    await retrier.run('GET /version', 500, async (limit) => {
      limits.push(limit);
      if (++calls < 3) throw new ClusterError('timeout', 'no answer', 'fix');
      return Promise.resolve(1);
    });
    expect(limits).toEqual([500, 500, 500]);
  });

  it('waits at least its own backoff when Retry-After is 0', async () => {
    const clock = fakeClock();
    const retrier = new Retrier(30_000, clock, log);
    let calls = 0;
    await retrier.run('POST x', 10_000, async () => {
      if (++calls < 3) throw status(429, 0);
      return Promise.resolve(1);
    });
    expect(clock.sleeps).toEqual([375, 750]);
  });

  it('retries a resolver that did not answer, not a name that does not exist', () => {
    const again = new ClusterError('dns', 'x', 'y', { code: 'EAI_AGAIN' });
    const missing = new ClusterError('dns', 'x', 'y', { code: 'ENOTFOUND' });
    expect([isTransient(again), isTransient(missing)]).toEqual([true, false]);
  });

  it('logs each retry on one line', async () => {
    lines.length = 0;
    const clock = fakeClock();
    const retrier = new Retrier(30_000, clock, log);
    let calls = 0;
    await retrier.run('GET /version', 10_000, async () => {
      if (++calls < 3) throw status(503);
      return Promise.resolve(1);
    });
    expect(lines).toEqual([
      expect.stringMatching(
        /^GET \/version: attempt 1 failed \(HTTP 503: busy\); retrying in 375ms, .* left of "wait"$/,
      ),
      expect.stringMatching(
        /^GET \/version: attempt 2 failed \(HTTP 503: busy\); retrying in 750ms/,
      ),
    ]);
  });
});
