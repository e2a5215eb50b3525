import { X509Certificate } from 'node:crypto';
import { InputError } from '../errors.js';
import { isJwt } from './token.js';

/** A CA bundle ready for `certificate-authority-data`. */
export interface ParsedCertificateAuthority {
  /** The CERTIFICATE blocks, re-armoured, one after another. */
  readonly pem: string;
  /** base64 of `pem`, as the kubeconfig stores it. */
  readonly base64: string;
  /** How it was given. */
  readonly format: 'pem' | 'base64' | 'der' | 'file';
  readonly certificates: readonly CertificateSummary[];
}

/** What the summary and diagnostics say about one CA certificate. */
export interface CertificateSummary {
  readonly subject: string;
  readonly notAfter: Date;
  readonly fingerprint256: string;
}

/** Reads a file the user named; throws an error with `code` (ENOENT…) like node:fs. */
export type ReadTextFile = (path: string) => string;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64_TEXT = /^[A-Za-z0-9+/\s]+={0,2}\s*$/;
const HINT =
  'Give the cluster CA as PEM text (-----BEGIN CERTIFICATE-----), as base64 of it (a kubeconfig\'s certificate-authority-data or a Secret\'s data["ca.crt"]), or as the path of a PEM file';

/**
 * Parses a CA given as PEM text, base64 of PEM (or of DER), or a path to a PEM file, and
 * checks that every certificate in it is a parseable X.509 certificate.
 * @param where names the input (and field) in messages, e.g. `certificate-authority`
 * @throws InputError naming what was found instead of a certificate
 */
export function parseCertificateAuthority(
  raw: string,
  where: string,
  readFile: ReadTextFile,
): ParsedCertificateAuthority {
  // Secrets copied out of JSON often carry literal "\n" sequences instead of line breaks.
  const text = raw.trim().replaceAll('\\r\\n', '\n').replaceAll('\\n', '\n');
  if (text.includes('-----BEGIN')) {
    return fromPem(text, 'pem', where);
  }
  if (BASE64_TEXT.test(text)) {
    const bytes = Buffer.from(text.replace(/\s+/g, ''), 'base64');
    const decoded = bytes.toString('latin1');
    if (decoded.includes('-----BEGIN')) {
      return fromPem(decoded, 'base64', where);
    }
    const der = tryDer(bytes);
    if (der) {
      return fromCertificates([der], 'der');
    }
    if (
      BASE64_TEXT.test(decoded) &&
      Buffer.from(decoded, 'base64').toString('latin1').includes('-----BEGIN')
    ) {
      throw new InputError(
        where,
        'is base64-encoded twice',
        'Decode it once (base64 -d) and give the result: certificate-authority-data is already base64',
      );
    }
    if (!text.includes('/') || text.includes('\n')) {
      throw new InputError(where, 'is base64, but not of a PEM or DER certificate', HINT);
    }
  }
  if (isJwt(text)) {
    throw new InputError(where, 'looks like a token, not a certificate', HINT);
  }
  return fromFile(text, where, readFile);
}

function fromFile(path: string, where: string, readFile: ReadTextFile): ParsedCertificateAuthority {
  if (path.includes('\n') || path.length > 4096) {
    throw new InputError(where, 'is neither PEM text, base64 of it, nor a file path', HINT);
  }
  const shown = /[/\\]|\.(pem|crt|cer)$/i.test(path) ? ` "${path}"` : '';
  let content: string;
  try {
    content = readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new InputError(
        where,
        `is not PEM text, not base64, and no file${shown} exists at that path`,
        HINT,
      );
    }
    if (code === 'EISDIR') {
      throw new InputError(where, `names a directory${shown}, not a PEM file`, HINT);
    }
    throw new InputError(
      where,
      `names a file${shown} that cannot be read (${code ?? 'error'})`,
      'Check the path and its permissions',
    );
  }
  if (!content.includes('-----BEGIN')) {
    throw new InputError(where, `names a file${shown} that holds no PEM block`, HINT);
  }
  return fromPem(content, 'file', where);
}

function fromPem(
  text: string,
  format: ParsedCertificateAuthority['format'],
  where: string,
): ParsedCertificateAuthority {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  const certs = blocks.filter((b) => b[1] === 'CERTIFICATE');
  if (certs.length === 0) {
    const found = [...new Set(blocks.map((b) => b[1]))];
    if (found.some((t) => t?.includes('PRIVATE KEY'))) {
      throw new InputError(
        where,
        'holds a private key, not a certificate',
        'Give the cluster CA certificate (ca.crt), never a private key; rotate that key if it was stored as a secret by mistake',
      );
    }
    const what =
      found.length > 0
        ? `only ${found.join(', ')} blocks`
        : 'an incomplete PEM block (no matching -----END line)';
    throw new InputError(where, `holds ${what}, no CERTIFICATE`, HINT);
  }
  const parsed = certs.map((block, index) => {
    try {
      return new X509Certificate(block[0]);
    } catch {
      throw new InputError(
        where,
        `holds a certificate (#${index + 1}) that is not valid X.509`,
        'Copy the CA again: the PEM text is damaged or truncated',
      );
    }
  });
  return fromCertificates(parsed, format);
}

function fromCertificates(
  certs: readonly X509Certificate[],
  format: ParsedCertificateAuthority['format'],
): ParsedCertificateAuthority {
  const pem = certs.map((c) => c.toString().trim()).join('\n') + '\n';
  return {
    pem,
    base64: Buffer.from(pem, 'utf8').toString('base64'),
    format,
    certificates: certs.map((c) => ({
      subject: c.subject.replaceAll('\n', ', '),
      notAfter: new Date(c.validTo),
      fingerprint256: c.fingerprint256,
    })),
  };
}

function tryDer(bytes: Buffer): X509Certificate | undefined {
  if (bytes[0] !== 0x30) return undefined;
  try {
    return new X509Certificate(bytes);
  } catch {
    return undefined;
  }
}
