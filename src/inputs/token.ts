import { InputError } from '../errors.js';

/** A bearer token ready for the kubeconfig, with every form of it that must be masked. */
export interface ParsedToken {
  readonly value: string;
  /** The token as given, decoded and base64-encoded: all registered with the runner's masker. */
  readonly forms: readonly string[];
  /** Whether the input was base64 of the token (as in a Secret's `data.token`). */
  readonly encoding: 'raw' | 'base64';
  /** A JWT (service-account tokens are) or an opaque token (e.g. a static token file entry). */
  readonly kind: 'jwt' | 'opaque';
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL_PART = /^[A-Za-z0-9_-]*$/;

/** True when `text` has the shape of a JWT whose header is JSON naming an algorithm. */
export function isJwt(text: string): boolean {
  const parts = text.split('.');
  if (parts.length !== 3 || parts.some((p) => !BASE64URL_PART.test(p))) return false;
  const [header, payload] = parts as [string, string, string];
  if (header === '' || payload === '') return false;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof decoded === 'object' && decoded !== null && 'alg' in decoded;
  } catch {
    return false;
  }
}

/** Every printable encoding of a secret that could show up in a log. */
export function secretForms(...values: string[]): string[] {
  const forms = new Set<string>();
  for (const value of values) {
    if (value === '') continue;
    forms.add(value);
    const b64 = Buffer.from(value, 'utf8').toString('base64');
    forms.add(b64);
    forms.add(b64.replace(/=+$/, ''));
    forms.add(Buffer.from(value, 'utf8').toString('base64url'));
  }
  return [...forms];
}

/**
 * Parses a token given raw (a JWT or an opaque token) or as base64 of a JWT. Base64 is
 * decoded only when the result is a JWT, so an opaque token is never mangled.
 * @throws InputError for whitespace inside, a `Bearer ` prefix, or characters an HTTP
 * header cannot carry. The message never contains the token.
 */
export function parseToken(raw: string, input: string): ParsedToken {
  const text = raw.trim();
  if (/^bearer\s/i.test(text)) {
    throw new InputError(
      input,
      'starts with "Bearer "',
      'Give the token alone, without the "Bearer " prefix of an Authorization header',
    );
  }
  if (/\s/.test(text)) {
    throw new InputError(
      input,
      `contains whitespace inside the token (${describeShape(text)})`,
      whitespaceHint(text, input),
    );
  }
  const bad = [...text].findIndex((c) => c < '!' || c > '~');
  if (bad >= 0) {
    throw new InputError(
      input,
      `contains a character that cannot be sent in an HTTP header (at position ${bad + 1})`,
      'Copy the token again from its source; a token is printable ASCII',
    );
  }
  if (isJwt(text)) {
    return { value: text, forms: secretForms(text), encoding: 'raw', kind: 'jwt' };
  }
  if (BASE64.test(text) && text.length % 4 === 0) {
    const decoded = Buffer.from(text, 'base64').toString('utf8').trim();
    if (isJwt(decoded)) {
      return { value: decoded, forms: secretForms(decoded, text), encoding: 'base64', kind: 'jwt' };
    }
  }
  return { value: text, forms: secretForms(text), encoding: 'raw', kind: 'opaque' };
}

function describeShape(text: string): string {
  const lines = text.split(/\r?\n/).length;
  return lines > 1 ? `${lines} lines` : 'a space or tab';
}

function whitespaceHint(text: string, input: string): string {
  if (
    /^\s*(apiVersion|kind|data|metadata)\s*:/m.test(text) ||
    /"(apiVersion|kind)"\s*:/.test(text)
  ) {
    if (/kind\W+Config\b/.test(text)) {
      return `This looks like a kubeconfig; give its user's token in "${input}", and its server and certificate-authority-data in "server" and "certificate-authority"`;
    }
    return 'This looks like a whole Secret manifest; pass it in the "secret" input instead';
  }
  return 'A token is a single line: copy it again without line breaks or spaces (base64 wrapped over several lines must be joined)';
}
