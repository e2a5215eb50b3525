import { ClusterError, quoteServerText } from './errors.js';
import { formatDuration } from './inputs/duration.js';

/** What the action may print while it works; the runner adapter passes its own. */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
}

/** Time, made injectable so tests need not wait. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1), for jitter. */
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 5_000;
const RETRIED_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * True for failures that can pass by themselves: connection refused or reset, timeouts, 429
 * and 500/502/503/504. Never 401, 403, TLS, unknown DNS names or malformed answers.
 */
export function isTransient(err: unknown): err is ClusterError {
  if (!(err instanceof ClusterError)) return false;
  if (err.kind === 'refused' || err.kind === 'reset' || err.kind === 'timeout') return true;
  // A resolver that did not answer, unlike a name that does not exist, can pass.
  if (err.kind === 'dns' && err.code === 'EAI_AGAIN') return true;
  // A proxy's 502/503/504 to CONNECT: the API server behind it is down, like a refused connection.
  const answered = err.kind === 'server-error' || err.kind === 'proxy';
  return answered && err.status !== undefined && RETRIED_STATUS.has(err.status);
}

/**
 * Retries transient failures until a deadline `waitMs` after it was made, with exponential
 * backoff and jitter capped at 5 s between attempts, and the server's Retry-After honoured.
 * One budget serves every request of a verification, so the whole check ends after about
 * `waitMs` however many requests it makes.
 */
export class Retrier {
  private readonly deadline: number;
  private readonly waitMs: number;
  private readonly clock: Clock;
  private readonly log: Logger;
  /** Requests sent, retries included. */
  attempts = 0;

  constructor(waitMs: number, clock: Clock, log: Logger) {
    this.waitMs = waitMs;
    this.clock = clock;
    this.log = log;
    this.deadline = clock.now() + waitMs;
  }

  /**
   * Runs `request` (given the time it may take) until it succeeds, fails for good, or the
   * budget is spent.
   * @param timeoutMs the per-request limit; shortened to what is left of the budget
   */
  async run<T>(
    what: string,
    timeoutMs: number,
    request: (timeoutMs: number) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      // A first attempt gets the whole timeout; a retry no more than is left of the budget (at
      // least 1 s), so a server that hangs fails after about max(wait, timeout).
      const left = this.deadline - this.clock.now();
      const limit = attempt === 1 ? timeoutMs : Math.min(timeoutMs, Math.max(left, 1_000));
      this.attempts++;
      try {
        return await request(limit);
      } catch (err) {
        if (!isTransient(err) || this.waitMs === 0) throw err;
        const delay = this.delay(attempt, err);
        const leftAfter = this.deadline - this.clock.now();
        if (delay >= leftAfter) {
          const why =
            err.retryAfterMs !== undefined && attempt === 1
              ? `the server asked to retry after ${formatDuration(Math.round(err.retryAfterMs))}, longer than "wait" (${formatDuration(this.waitMs)}) allows`
              : `still failing after ${attempt} attempt${attempt === 1 ? '' : 's'} in ${formatDuration(this.waitMs)}`;
          throw err.with({
            message: `${err.message}; ${why}`,
            hint: `${err.hint}. Raise "wait" to give the server longer`,
          });
        }
        this.log.info(
          `${what}: attempt ${attempt} failed (${shortCause(err)}); retrying in ${formatDuration(Math.round(delay))}, ${formatDuration(Math.max(1, Math.round(leftAfter / 1000)) * 1000)} left of "wait"`,
        );
        await this.clock.sleep(delay);
      }
    }
  }

  /** Backoff with jitter; the server's Retry-After when it asks for longer (never less: 0 would spin). */
  private delay(attempt: number, err: ClusterError): number {
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
    const backoff = ceiling / 2 + (this.clock.random() * ceiling) / 2;
    return Math.max(backoff, err.retryAfterMs ?? 0);
  }
}

function shortCause(err: ClusterError): string {
  if (err.status !== undefined)
    return `HTTP ${err.status}${err.serverText ? `: ${quoteServerText(err.serverText, 80)}` : ''}`;
  return err.kind === 'refused'
    ? 'connection refused'
    : err.kind === 'reset'
      ? 'connection reset'
      : 'timed out';
}
