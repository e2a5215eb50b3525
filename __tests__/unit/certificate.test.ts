import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTextFile } from '../../src/files.js';
import { parseCertificateAuthority } from '../../src/inputs/certificate.js';
import { makeJwt } from '../fixtures/apiserver.ts';
import { scratchDir, testTls } from '../fixtures/tools.ts';

let caPem = '';
let otherCaPem = '';
let dir = '';
const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

beforeAll(() => {
  const tls = testTls();
  caPem = tls.ca.cert;
  otherCaPem = tls.otherCa.cert;
  dir = scratchDir('kc-ca-');
  writeFileSync(join(dir, 'ca.crt'), caPem);
  writeFileSync(join(dir, 'bundle.pem'), `${caPem}\n${otherCaPem}`);
  writeFileSync(join(dir, 'empty.pem'), 'not a pem\n');
});

const parse = (raw: string): ReturnType<typeof parseCertificateAuthority> =>
  parseCertificateAuthority(raw, 'certificate-authority', readTextFile);

describe('parseCertificateAuthority', () => {
  it('reads PEM text and stores base64 of the PEM for the kubeconfig', () => {
    const ca = parse(caPem);
    expect(ca.format).toBe('pem');
    expect(ca.certificates).toHaveLength(1);
    expect(ca.certificates[0]?.subject).toBe('CN=kubernetes');
    expect(new X509Certificate(Buffer.from(ca.base64, 'base64')).fingerprint256).toBe(
      new X509Certificate(caPem).fingerprint256,
    );
  });

  it.each([
    ['base64 of PEM (certificate-authority-data)', () => b64(caPem), 'base64'],
    ['base64 wrapped at 76 columns', () => b64(caPem).replace(/(.{76})/g, '$1\n'), 'base64'],
    ['base64 of DER', () => b64(new X509Certificate(caPem).raw), 'der'],
    [
      'PEM with literal \\n sequences (copied out of JSON)',
      () => caPem.trim().replaceAll('\n', '\\n'),
      'pem',
    ],
    ['PEM with CRLF line ends', () => caPem.replaceAll('\n', '\r\n'), 'pem'],
    ['a path to a PEM file', () => join(dir, 'ca.crt'), 'file'],
  ])('reads %s', (_name, make, format) => {
    const ca = parse(make());
    expect(ca.format).toBe(format);
    expect(ca.certificates[0]?.fingerprint256).toBe(new X509Certificate(caPem).fingerprint256);
  });

  it('keeps every certificate of a bundle', () => {
    const ca = parse(join(dir, 'bundle.pem'));
    expect(ca.certificates).toHaveLength(2);
    expect(
      Buffer.from(ca.base64, 'base64')
        .toString()
        .match(/BEGIN CERTIFICATE/g),
    ).toHaveLength(2);
  });

  it('drops non-certificate blocks and text around them', () => {
    const ca = parse(`subject=CN = kubernetes\n${caPem}\n# trailing comment`);
    expect(Buffer.from(ca.base64, 'base64').toString()).not.toContain('subject=');
  });

  it.each([
    ['a missing file', () => join(dir, 'nope.crt'), /no file ".*nope\.crt" exists at that path/],
    ['a directory', () => dir, /names a directory/],
    ['a file without PEM', () => join(dir, 'empty.pem'), /holds no PEM block/],
    [
      'a private key',
      () => '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----',
      /holds a private key, not a certificate/,
    ],
    [
      'a damaged certificate',
      () => '-----BEGIN CERTIFICATE-----\nMIIBnotreally\n-----END CERTIFICATE-----',
      /certificate \(#1\) that is not valid X\.509/,
    ],
    ['a truncated PEM', () => caPem.slice(0, 200), /incomplete PEM block/],
    [
      'base64 of something else',
      () => b64('hello world, not a cert'),
      /is base64, but not of a PEM or DER certificate/,
    ],
    ['base64 encoded twice', () => b64(b64(caPem)), /is base64-encoded twice/],
    ['a token', () => makeJwt({ sub: 'x' }), /looks like a token, not a certificate/],
  ])('refuses %s', (_name, make, message) => {
    expect(() => parse(make())).toThrow(message);
  });

  it('does not repeat a value that is not path-like', () => {
    const jwt = makeJwt({ sub: 'system:serviceaccount:ci:x' });
    expect(() => parse(jwt)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(jwt) as unknown }),
    );
  });
});
