/**
 * The failure vocabulary of the action and the one function that turns any thrown value
 * into the single line a user reads. Messages never carry secret values: callers build them
 * from input names, URLs and server text only, and `describeError` scrubs known secrets as a
 * last line of defence.
 */

/** Said whenever a value that usually comes from a secret is missing or rejected. */
export const FORK_NOTE =
  'If it comes from a secret, note that secrets are empty in workflows triggered from forks and by Dependabot';

/** What kind of failure this is; tests and the troubleshooting table key on it. */
export type FailureKind =
  | 'input'
  | 'file'
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'reset'
  | 'tls-ca'
  | 'tls-hostname'
  | 'tls-expired'
  | 'tls-protocol'
  | 'unauthorized'
  | 'forbidden'
  | 'anonymous'
  | 'not-kubernetes'
  | 'api-missing'
  | 'server-error'
  | 'denied'
  | 'proxy'
  | 'network';

/** A failure the action understands: what failed, why, and what to change. */
export class KubeConnectError extends Error {
  readonly kind: FailureKind;
  readonly hint: string;

  constructor(kind: FailureKind, message: string, hint: string) {
    super(message);
    this.name = 'KubeConnectError';
    this.kind = kind;
    this.hint = hint;
  }
}

/** A value given to an input that the action cannot use. */
export class InputError extends KubeConnectError {
  readonly input: string;

  /**
   * @param input the input's id, as in action.yml
   * @param problem what is wrong with it (never the value itself when it may be secret)
   * @param hint how to fix it
   */
  constructor(input: string, problem: string, hint: string) {
    super('input', `input "${input}" ${problem}`, hint);
    this.name = 'InputError';
    this.input = input;
  }
}

/** The kubeconfig file could not be written or removed. */
export class FileError extends KubeConnectError {
  constructor(message: string, hint: string) {
    super('file', message, hint);
    this.name = 'FileError';
  }
}

/** The cluster could not be reached, did not trust us, or did not accept the token. */
export class ClusterError extends KubeConnectError {
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** How long the server asked us to wait (Retry-After or details.retryAfterSeconds). */
  readonly retryAfterMs: number | undefined;
  /** The server's own words (a Status message or the text body), already made safe to print. */
  readonly serverText: string;
  /** The Node error code of a transport failure (ECONNREFUSED, EAI_AGAIN…). */
  readonly code: string | undefined;

  constructor(
    kind: FailureKind,
    message: string,
    hint: string,
    answer: {
      status?: number;
      retryAfterMs?: number | undefined;
      serverText?: string;
      code?: string;
    } = {},
  ) {
    super(kind, message, hint);
    this.name = 'ClusterError';
    this.status = answer.status;
    this.retryAfterMs = answer.retryAfterMs;
    this.serverText = answer.serverText ?? '';
    this.code = answer.code;
  }

  /** A copy with another message or hint, keeping what the server said. */
  with(change: { message?: string; hint?: string; kind?: FailureKind }): ClusterError {
    return new ClusterError(
      change.kind ?? this.kind,
      change.message ?? this.message,
      change.hint ?? this.hint,
      {
        ...(this.status !== undefined ? { status: this.status } : {}),
        retryAfterMs: this.retryAfterMs,
        serverText: this.serverText,
      },
    );
  }
}

const MAX_SERVER_TEXT = 200;

/**
 * Makes text that came from a server or a library safe to print: one line, no control
 * characters, never a leading `::` that a runner could read as a workflow command, and short.
 */
export function quoteServerText(text: string, max = MAX_SERVER_TEXT): string {
  let oneLine = text
    // eslint-disable-next-line no-control-regex -- control characters are exactly what goes
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    // A line that starts with `::` is a workflow command; text we print never starts one.
    .replace(/^:+/, '');
  if (oneLine.length > max) {
    oneLine = `${oneLine.slice(0, max - 1)}…`;
  }
  return oneLine;
}

/**
 * Turns anything thrown into the one line the failure funnel prints:
 * `<what failed>. <how to fix it>`. Unknown errors keep their message (made one line).
 * Every string in `secrets` is replaced by `***`, whatever the message says.
 */
export function describeError(err: unknown, secrets: readonly string[] = []): string {
  let text: string;
  if (err instanceof KubeConnectError) {
    text = `${err.message.replace(/[.\s]+$/, '')}. ${err.hint}`;
  } else if (err instanceof Error) {
    text = `unexpected error: ${err.message}. Please report this at the action's issue tracker.`;
  } else {
    text = `unexpected error: ${String(err)}. Please report this at the action's issue tracker.`;
  }
  return quoteServerText(scrubSecrets(text, secrets), 2000);
}

/** Replaces every occurrence of every secret (longest first) with `***`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 4) {
      scrubbed = scrubbed.replaceAll(secret, '***');
    }
  }
  return scrubbed;
}
