/** What a service-account JWT says about itself, read without verifying the signature. */
export interface TokenClaims {
  /** legacy: a Secret-based token (issuer kubernetes/serviceaccount, no expiry); bound: from the TokenRequest API. */
  readonly kind: 'legacy' | 'bound' | 'other';
  readonly expiresAt: Date | undefined;
  /** `system:serviceaccount:NS:NAME` split, when the subject is a service account. */
  readonly serviceAccount: { namespace: string; name: string } | undefined;
}

/** Reads the claims of a JWT (no signature check: they are only used for advice). */
export function readTokenClaims(token: string): TokenClaims | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  let claims: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    claims = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const exp = asDate(claims.exp);
  const sub =
    typeof claims.sub === 'string'
      ? /^system:serviceaccount:([^:]+):([^:]+)$/.exec(claims.sub)
      : null;
  const kind =
    claims.iss === 'kubernetes/serviceaccount'
      ? 'legacy'
      : 'kubernetes.io' in claims
        ? 'bound'
        : 'other';
  return {
    kind,
    expiresAt: exp,
    serviceAccount: sub ? { namespace: sub[1] ?? '', name: sub[2] ?? '' } : undefined,
  };
}

/** A NumericDate claim as a Date; undefined when it is missing or no representable time. */
function asDate(value: unknown): Date | undefined {
  if (typeof value !== 'number') return undefined;
  const date = new Date(value * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Something the user should know about the token's lifetime. */
export interface LifetimeAdvice {
  readonly level: 'warning' | 'notice';
  readonly text: string;
}

const SOON_MS = 60 * 60 * 1000;

/**
 * Advice on a token's lifetime: expired, expiring within the hour (the job may outlive it),
 * or never expiring (a legacy token to move away from). Nothing for tokens without claims.
 */
export function lifetimeAdvice(
  claims: TokenClaims | undefined,
  now: number,
): LifetimeAdvice | undefined {
  if (!claims) return undefined;
  const mint = mintCommand(claims);
  if (claims.expiresAt === undefined) {
    if (claims.kind === 'other') return undefined;
    return {
      level: 'notice',
      text: `The token never expires (a Secret-based service-account token): if it leaks it stays valid until the Secret is deleted. Prefer short-lived tokens: ${mint} in a step before this one, or a token rotated by your secret store.`,
    };
  }
  const left = claims.expiresAt.getTime() - now;
  if (left <= 0) {
    return {
      level: 'warning',
      text: `The token expired at ${claims.expiresAt.toISOString()} (${formatAge(-left)} ago). Mint a new one: ${mint}.`,
    };
  }
  if (left < SOON_MS) {
    return {
      level: 'warning',
      text: `The token expires at ${claims.expiresAt.toISOString()}, in ${formatAge(left)}: steps running after that will get 401 Unauthorized. Mint a longer one: ${mint}.`,
    };
  }
  return undefined;
}

/** "expired at … (3h ago)" for a 401, when the claims say the token has expired. */
export function expiredNote(claims: TokenClaims | undefined, now: number): string | undefined {
  const at = claims?.expiresAt;
  if (at === undefined || at.getTime() > now) return undefined;
  return `the token expired at ${at.toISOString()} (${formatAge(now - at.getTime())} ago)`;
}

function mintCommand(claims: TokenClaims): string {
  const sa = claims.serviceAccount;
  return sa
    ? `kubectl create token ${sa.name} -n ${sa.namespace} --duration=2h`
    : 'kubectl create token SERVICE_ACCOUNT -n NAMESPACE --duration=2h';
}

/** A rough human age: 45s, 23m, 3h, 5d. */
function formatAge(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m}m`;
  const h = Math.round(m / 60);
  return h < 48 ? `${h}h` : `${Math.round(h / 24)}d`;
}
