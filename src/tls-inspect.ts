/**
 * Reads the certificate a server presents, without trusting it, so that a failed TLS
 * verification can be explained: which names the certificate covers, and which CA issued it
 * compared with the CA the user gave.
 *
 * Key identifiers: Node 24's X509Certificate offers subject, issuer, subjectAltName,
 * fingerprints, `ca`, `keyUsage` and `infoAccess`, but neither the Subject nor the Authority Key
 * Identifier (toLegacyObject() has none either), so they are read here from the DER (`raw`) with
 * a small bounds-checked walker. Key ids are rendered like `fingerprint256` and `openssl x509
 * -text`: upper-case hex bytes joined by colons, e.g. `87:82:A7:F2:…`.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';

/** What a server's certificate says, as read by {@link fetchPeerCertificate}. */
export interface PeerCertificate {
  /** Distinguished name, RDNs joined by `, `, e.g. `CN=kube-apiserver`. */
  readonly subject: string;
  /** Issuer distinguished name, e.g. `CN=kubernetes`. */
  readonly issuer: string;
  /** DNS subject alternative names, in certificate order. */
  readonly dnsNames: readonly string[];
  /** IP subject alternative names; IPv6 in compressed lower-case form (`::1`). */
  readonly ipAddresses: readonly string[];
  readonly validFrom: Date;
  readonly validTo: Date;
  /** SHA-256 of the DER, upper-case hex bytes joined by colons (as Node gives it). */
  readonly fingerprint256: string;
  /**
   * The keyIdentifier of the Authority Key Identifier extension (the issuing CA's Subject Key
   * Identifier), upper-case hex bytes joined by colons; undefined when the certificate has none.
   */
  readonly authorityKeyId: string | undefined;
  /**
   * The chain the server sent beyond the leaf, subjects only, in issuer order (certificates that
   * do not continue the chain are left out).
   */
  readonly chainSubjects: readonly string[];
}

/** Subject alternative names that matter for host-name verification. */
export interface SubjectAltNames {
  readonly dnsNames: readonly string[];
  /** IPv6 in compressed lower-case form (`::1`), IPv4 as given. */
  readonly ipAddresses: readonly string[];
}

/** Options of {@link fetchPeerCertificate}. */
export interface FetchPeerCertificateOptions {
  /**
   * The SNI to send. Default: `host` when it is a DNS name. Never sent for an IP address.
   */
  servername?: string;
  /** Gives up (resolving undefined) after this long, DNS lookup and handshake included. */
  timeoutMs: number;
}

const MAX_TIMER_MS = 2_147_483_647;
const MAX_CHAIN = 10;
const MAX_LISTED = 12;
const SHORT_BYTES = 8;

/**
 * Connects with TLS to host:port WITHOUT verifying (rejectUnauthorized: false), only to read the
 * certificate the server presents; never sends anything over the connection. Resolves undefined
 * on any failure (diagnostics must never throw or hang): timeout `timeoutMs`.
 * servername: the SNI to send (the tls-server-name or the URL host when it is a DNS name; no SNI
 * for IP addresses).
 * @param host DNS name or IP address; an IPv6 address may keep its URL brackets (`[::1]`)
 */
export async function fetchPeerCertificate(
  host: string,
  port: number,
  options: FetchPeerCertificateOptions,
): Promise<PeerCertificate | undefined> {
  const target = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const sni = options.servername ?? target;
  const servername = sni !== '' && isIP(sni) === 0 ? sni : undefined;
  const delay = Number.isNaN(options.timeoutMs)
    ? 0
    : Math.min(Math.max(options.timeoutMs, 0), MAX_TIMER_MS);

  return new Promise<PeerCertificate | undefined>((resolve) => {
    let socket: TLSSocket | undefined;
    let settled = false;
    const finish = (result: PeerCertificate | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(undefined), delay);
    try {
      const s = connect({
        host: target,
        port,
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
        // No trust store: nothing is verified, and the chain read back is only what was sent.
        ca: [],
        ...(servername === undefined ? {} : { servername }),
      });
      socket = s;
      s.on('error', () => finish(undefined));
      s.once('close', () => finish(undefined));
      s.once('secureConnect', () => finish(readPeer(s)));
    } catch {
      finish(undefined);
    }
  });
}

function readPeer(socket: TLSSocket): PeerCertificate | undefined {
  try {
    const leaf = socket.getPeerX509Certificate();
    if (!leaf) return undefined;
    const chainSubjects: string[] = [];
    const seen = new Set([leaf.fingerprint256]);
    for (
      let c = leaf.issuerCertificate;
      c !== undefined && !seen.has(c.fingerprint256) && chainSubjects.length < MAX_CHAIN;
      c = c.issuerCertificate
    ) {
      seen.add(c.fingerprint256);
      chainSubjects.push(distinguishedName(c.subject));
    }
    const sans = parseSubjectAltName(leaf.subjectAltName ?? '');
    return {
      subject: distinguishedName(leaf.subject),
      issuer: distinguishedName(leaf.issuer),
      dnsNames: sans.dnsNames,
      ipAddresses: sans.ipAddresses,
      validFrom: leaf.validFromDate,
      validTo: leaf.validToDate,
      fingerprint256: leaf.fingerprint256,
      authorityKeyId: keyIdentifiers(leaf.raw).authorityKeyId,
      chainSubjects,
    };
  } catch {
    return undefined;
  }
}

/**
 * Parses Node's subjectAltName text (`X509Certificate.subjectAltName`, or `subjectaltname` of
 * getPeerCertificate()), e.g. `DNS:kubernetes, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1`.
 * Values Node quotes as JSON strings (those holding `,`, `"`, `\` and the like) are unquoted.
 * Other entry types (email, URI, DirName, …) are skipped. Never throws.
 */
export function parseSubjectAltName(text: string): SubjectAltNames {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  const entryType = /([A-Za-z][A-Za-z ]*):/y;
  let i = 0;
  while (i < text.length) {
    while (text[i] === ',' || text[i] === ' ') i++;
    if (i >= text.length) break;
    entryType.lastIndex = i;
    const typeMatch = entryType.exec(text);
    if (!typeMatch) {
      const next = text.indexOf(', ', i);
      i = next < 0 ? text.length : next;
      continue;
    }
    i = entryType.lastIndex;
    let value: string;
    if (text[i] === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const quoted = text.slice(i, j + 1);
      value = unquote(quoted);
      i = j + 1;
    } else {
      const next = text.indexOf(', ', i);
      value = text.slice(i, next < 0 ? text.length : next);
      i = next < 0 ? text.length : next;
    }
    const type = typeMatch[1] ?? '';
    if (type === 'DNS' && value !== '') dnsNames.push(value);
    if (type === 'IP Address' && value !== '') ipAddresses.push(normaliseIp(value));
  }
  return { dnsNames, ipAddresses };
}

function unquote(quoted: string): string {
  try {
    const parsed: unknown = JSON.parse(quoted);
    if (typeof parsed === 'string') return parsed;
  } catch {
    // fall through: keep the text between the quotes
  }
  return quoted.replace(/^"|"$/g, '');
}

/** IPv6 in RFC 5952 compressed lower-case form (what the URL parser writes); IPv4 unchanged. */
function normaliseIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip.toLowerCase();
  }
}

/**
 * One-line description for the host-mismatch case:
 * `it covers DNS kubernetes, kubernetes.default, …; IP 10.96.0.1`.
 * Long lists are cut after 12 names (`, and 3 more`).
 */
export function describeCoverage(cert: PeerCertificate): string {
  const parts: string[] = [];
  if (cert.dnsNames.length > 0) parts.push(`DNS ${listed(cert.dnsNames)}`);
  if (cert.ipAddresses.length > 0) parts.push(`IP ${listed(cert.ipAddresses)}`);
  if (parts.length === 0) {
    return `it covers no DNS names or IP addresses (its subject is ${cert.subject || 'empty'})`;
  }
  return `it covers ${parts.join('; ')}`;
}

function listed(values: readonly string[]): string {
  if (values.length <= MAX_LISTED) return values.join(', ');
  return `${values.slice(0, MAX_LISTED).join(', ')}, and ${values.length - MAX_LISTED} more`;
}

interface CaSummary {
  readonly subject: string;
  readonly subjectKeyId: string | undefined;
  readonly fingerprint256: string;
}

/**
 * One-line comparison for the unknown-CA case, e.g. `the server certificate (CN=kube-apiserver)
 * was issued by CN=kubernetes (key id 3A:…), but the given CA is CN=kubernetes (key id 7F:…,
 * SHA-256 AB:CD:…)`. Key ids and fingerprints are shortened to their first 8 bytes unless that
 * would make two different ones look alike. `caPem` may hold several certificates; blocks that
 * do not parse are skipped. When a given CA has the key id the server certificate names, it says
 * so (`and the given CA … has that key id`). Never throws.
 */
export function describeIssuerMismatch(cert: PeerCertificate, caPem: string): string {
  const cas = readCas(caPem);
  const ids = [cert.authorityKeyId, ...cas.map((c) => c.subjectKeyId)].filter(
    (id): id is string => id !== undefined,
  );
  const shortId = (id: string): string => shorten(id, ids);
  const shortFp = (fp: string): string =>
    shorten(
      fp,
      cas.map((c) => c.fingerprint256),
    );

  const chain =
    cert.chainSubjects.length > 0 ? `; chain sent: ${cert.chainSubjects.join(' → ')}` : '';
  const leaf = `the server certificate (${cert.subject}${chain})`;
  const selfSigned = cert.issuer === cert.subject && cert.authorityKeyId === undefined;
  const issued = selfSigned
    ? `${leaf} is self-signed (issuer ${cert.issuer})`
    : `${leaf} was issued by ${cert.issuer}` +
      (cert.authorityKeyId === undefined ? '' : ` (key id ${shortId(cert.authorityKeyId)})`);

  if (cas.length === 0) return `${issued}, but the given CA holds no readable certificate`;

  const describeCa = (ca: CaSummary, withKeyId: boolean): string => {
    const details = [
      ...(withKeyId && ca.subjectKeyId !== undefined ? [`key id ${shortId(ca.subjectKeyId)}`] : []),
      `SHA-256 ${shortFp(ca.fingerprint256)}`,
    ];
    return `${ca.subject} (${details.join(', ')})`;
  };

  const match =
    cert.authorityKeyId === undefined
      ? undefined
      : cas.find((ca) => ca.subjectKeyId === cert.authorityKeyId);
  if (match) return `${issued}, and the given CA ${describeCa(match, false)} has that key id`;

  const given =
    cas.length === 1
      ? `the given CA is ${cas.map((ca) => describeCa(ca, true)).join('')}`
      : `the given CA bundle holds ${cas.map((ca) => describeCa(ca, true)).join('; ')}`;
  return `${issued}, but ${given}`;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function readCas(pem: string): CaSummary[] {
  const cas: CaSummary[] = [];
  for (const block of pem.match(PEM_CERTIFICATE) ?? []) {
    try {
      const x = new X509Certificate(block);
      cas.push({
        subject: distinguishedName(x.subject),
        subjectKeyId: keyIdentifiers(x.raw).subjectKeyId,
        fingerprint256: x.fingerprint256,
      });
    } catch {
      // not a certificate: skip it
    }
  }
  return cas;
}

/**
 * The first SHORT_BYTES bytes and `…`, or more bytes when another value in `among` shares that
 * prefix, or the whole value when it is short already.
 */
function shorten(value: string, among: readonly string[]): string {
  const bytes = value.split(':');
  for (let n = SHORT_BYTES; n < bytes.length; n++) {
    const prefix = bytes.slice(0, n).join(':');
    const clash = among.some((other) => other !== value && other.startsWith(prefix));
    if (!clash) return `${prefix}…`;
  }
  return value;
}

/** Node's multi-line `CN=x\nO=y` as `CN=x, O=y`. */
function distinguishedName(text: string): string {
  return text.split('\n').join(', ');
}

// ---------------------------------------------------------------------------------------------
// Key identifiers from the DER (Node 24's X509Certificate does not expose them)

interface Tlv {
  readonly tag: number;
  /** Offset of the contents. */
  readonly start: number;
  /** Offset just past the contents. */
  readonly end: number;
}

/** One DER TLV at `offset`, or undefined when malformed or running past `limit`. */
function readTlv(der: Uint8Array, offset: number, limit: number): Tlv | undefined {
  const tag = der[offset];
  const first = der[offset + 1];
  if (tag === undefined || first === undefined || offset + 2 > limit) return undefined;
  if ((tag & 0x1f) === 0x1f) return undefined; // high tag numbers: not used in these structures
  let start = offset + 2;
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4 || start + count > limit) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[start + i] ?? 0);
    start += count;
  }
  const end = start + length;
  return end > limit ? undefined : { tag, start, end };
}

function childrenOf(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end;) {
    const child = readTlv(der, at, parent.end);
    if (!child) break;
    out.push(child);
    at = child.end;
  }
  return out;
}

const OID_SUBJECT_KEY_ID = [0x55, 0x1d, 0x0e]; // 2.5.29.14
const OID_AUTHORITY_KEY_ID = [0x55, 0x1d, 0x23]; // 2.5.29.35

function hexBytes(der: Uint8Array, tlv: Tlv): string {
  return Array.from(der.subarray(tlv.start, tlv.end), (b) =>
    b.toString(16).padStart(2, '0').toUpperCase(),
  ).join(':');
}

function keyIdentifiers(der: Uint8Array): {
  subjectKeyId: string | undefined;
  authorityKeyId: string | undefined;
} {
  let subjectKeyId: string | undefined;
  let authorityKeyId: string | undefined;
  const certificate = readTlv(der, 0, der.length);
  const tbs = certificate?.tag === 0x30 ? childrenOf(der, certificate)[0] : undefined;
  // TBSCertificate: … extensions [3] EXPLICIT SEQUENCE OF Extension
  const explicit = tbs?.tag === 0x30 ? childrenOf(der, tbs).find((t) => t.tag === 0xa3) : undefined;
  const list = explicit ? childrenOf(der, explicit)[0] : undefined;
  for (const extension of list?.tag === 0x30 ? childrenOf(der, list) : []) {
    // Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
    const parts = childrenOf(der, extension);
    const oid = parts[0];
    const value = parts.find((p, index) => index > 0 && p.tag === 0x04);
    if (oid?.tag !== 0x06 || !value) continue;
    const id = Array.from(der.subarray(oid.start, oid.end));
    const inner = readTlv(der, value.start, value.end);
    if (!inner) continue;
    if (sameBytes(id, OID_SUBJECT_KEY_ID) && inner.tag === 0x04) {
      // SubjectKeyIdentifier ::= OCTET STRING
      subjectKeyId = hexBytes(der, inner);
    } else if (sameBytes(id, OID_AUTHORITY_KEY_ID) && inner.tag === 0x30) {
      // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, … }
      const keyId = childrenOf(der, inner).find((t) => t.tag === 0x80);
      if (keyId) authorityKeyId = hexBytes(der, keyId);
    }
  }
  return { subjectKeyId, authorityKeyId };
}

function sameBytes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
