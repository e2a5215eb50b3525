import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { describe, expect, it } from 'vitest';
import {
  describeCoverage,
  describeIssuerMismatch,
  fetchPeerCertificate,
  parseSubjectAltName,
  type PeerCertificate,
} from '../../src/tls-inspect.js';
import {
  closedPort,
  startApiServer,
  startBlackhole,
  type ServingCert,
} from '../fixtures/apiserver.ts';
import { testTls } from '../fixtures/tools.ts';

const SERVER_DNS = [
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];

/** Starts the fake apiserver with `cert`, reads its certificate, stops it. */
async function peerOf(cert: ServingCert): Promise<PeerCertificate> {
  const server = await startApiServer({ tls: testTls(), cert });
  try {
    const peer = await fetchPeerCertificate(server.host, server.port, { timeoutMs: 5000 });
    if (!peer) throw new Error(`no certificate read from the ${cert} server`);
    return peer;
  } finally {
    await server.close();
  }
}

/** The key identifier as the openssl CLI prints it, e.g. `87:82:…`. */
function opensslKeyId(
  file: string,
  ext: 'subjectKeyIdentifier' | 'authorityKeyIdentifier',
): string {
  const out = execFileSync(
    'openssl',
    ['x509', '-in', join(testTls().dir, file), '-noout', '-ext', ext],
    {
      encoding: 'utf8',
    },
  );
  const id = /^\s*(?:keyid:)?([0-9A-F]{2}(?::[0-9A-F]{2})+)\s*$/m.exec(out)?.[1];
  if (id === undefined) throw new Error(`no ${ext} in openssl output: ${out}`);
  return id;
}

/** Every `key id XX:…` in a message, without the ellipsis. */
function keyIdsIn(message: string): string[] {
  return [...message.matchAll(/key id ([0-9A-F:]+)/g)].map((m) => m[1] ?? '');
}

function shortFingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256.split(':').slice(0, 8).join(':');
}

describe('parseSubjectAltName', () => {
  it.each([
    { text: '', dnsNames: [], ipAddresses: [] },
    {
      text: 'DNS:kubernetes, DNS:kubernetes.default, DNS:localhost, IP Address:10.96.0.1, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
      dnsNames: ['kubernetes', 'kubernetes.default', 'localhost'],
      ipAddresses: ['10.96.0.1', '127.0.0.1', '::1'],
    },
    {
      text: 'IP Address:FD00:0:0:0:0:0:0:A, IP Address:2001:DB8:0:0:1:0:0:1, IP Address:0:0:0:0:0:0:0:0',
      dnsNames: [],
      ipAddresses: ['fd00::a', '2001:db8::1:0:0:1', '::'],
    },
    {
      text: 'IP Address:0:0:0:0:0:FFFF:A00:1',
      dnsNames: [],
      ipAddresses: ['::ffff:a00:1'],
    },
    {
      text: 'DNS:"a,b.example", DNS:plain.example, DNS:"quote\\"d.example"',
      dnsNames: ['a,b.example', 'plain.example', 'quote"d.example'],
      ipAddresses: [],
    },
    {
      text: 'email:admin@example.com, URI:spiffe://cluster.local/ns/x, DNS:api.example.com, othername:<unsupported>',
      dnsNames: ['api.example.com'],
      ipAddresses: [],
    },
    {
      text: 'DirName:CN=a, O=b, DNS:after.dirname',
      dnsNames: ['after.dirname'],
      ipAddresses: [],
    },
    { text: 'DNS:*.example.com', dnsNames: ['*.example.com'], ipAddresses: [] },
    { text: 'garbage without a type', dnsNames: [], ipAddresses: [] },
    { text: 'DNS:"unterminated', dnsNames: ['unterminated'], ipAddresses: [] },
  ])('parses $text', ({ text, dnsNames, ipAddresses }) => {
    expect(parseSubjectAltName(text)).toEqual({ dnsNames, ipAddresses });
  });
});

describe('fetchPeerCertificate', () => {
  it('reads the serving certificate without trusting it', async () => {
    const tls = testTls();
    const peer = await peerOf('server');
    const x509 = new X509Certificate(tls.server.cert);
    expect(peer).toEqual({
      subject: 'CN=kube-apiserver',
      issuer: 'CN=kubernetes',
      dnsNames: [...SERVER_DNS, 'localhost'],
      ipAddresses: ['10.96.0.1', '127.0.0.1', '::1'],
      validFrom: x509.validFromDate,
      validTo: x509.validToDate,
      fingerprint256: x509.fingerprint256,
      authorityKeyId: opensslKeyId('server.crt', 'authorityKeyIdentifier'),
      chainSubjects: [],
    });
    // The leaf names the cluster CA's key.
    expect(peer.authorityKeyId).toBe(opensslKeyId('ca.crt', 'subjectKeyIdentifier'));
  });

  it('lists the CA the server sends after the leaf', async () => {
    const peer = await peerOf('chain');
    expect(peer.subject).toBe('CN=kube-apiserver');
    expect(peer.chainSubjects).toEqual(['CN=kubernetes']);
  });

  it('reads an expired certificate', async () => {
    const peer = await peerOf('expired');
    expect(peer.validTo).toEqual(new Date('2020-01-02T00:00:00Z'));
    expect(peer.validTo.getTime()).toBeLessThan(Date.now());
  });

  it('reads a self-signed certificate, which has no authority key id', async () => {
    const peer = await peerOf('selfSigned');
    expect(peer.issuer).toBe('CN=kube-apiserver');
    expect(peer.authorityKeyId).toBeUndefined();
    expect(peer.chainSubjects).toEqual([]);
  });

  describe('SNI', () => {
    /** A TLS server that records the SNI of each ClientHello and counts connections. */
    async function sniServer(): Promise<{
      port: number;
      names: string[];
      connections: () => number;
      close: () => Promise<void>;
    }> {
      const { server: pair } = testTls();
      const names: string[] = [];
      let connections = 0;
      const sockets = new Set<Socket>();
      const server = createTlsServer({
        cert: pair.cert,
        key: pair.key,
        // Called only when the client sends SNI.
        SNICallback: (name, callback) => {
          names.push(name);
          callback(null, undefined);
        },
      });
      server.on('connection', (socket: Socket) => {
        connections++;
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      server.on('tlsClientError', () => undefined);
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return {
        port: (server.address() as AddressInfo).port,
        names,
        connections: () => connections,
        close: async () =>
          new Promise<void>((resolve) => {
            for (const s of sockets) s.destroy();
            server.close(() => resolve());
          }),
      };
    }

    it.each([
      { host: '127.0.0.1', servername: undefined, sni: [] },
      { host: 'localhost', servername: undefined, sni: ['localhost'] },
      { host: '127.0.0.1', servername: 'kubernetes.default', sni: ['kubernetes.default'] },
      { host: 'localhost', servername: '10.96.0.1', sni: [] },
    ])(
      'connects to $host with servername $servername: SNI $sni',
      async ({ host, servername, sni }) => {
        const server = await sniServer();
        try {
          const peer = await fetchPeerCertificate(host, server.port, {
            timeoutMs: 5000,
            ...(servername === undefined ? {} : { servername }),
          });
          expect(peer?.subject).toBe('CN=kube-apiserver');
          expect(server.connections()).toBe(1);
          expect(server.names).toEqual(sni);
        } finally {
          await server.close();
        }
      },
    );
  });

  describe('resolves undefined', () => {
    it('when the server accepts TCP and never answers TLS, and closes the socket', async () => {
      const closed: Promise<unknown>[] = [];
      const server = createTcpServer((socket: Socket) => {
        socket.on('error', () => undefined);
        closed.push(once(socket, 'close'));
        socket.resume(); // read, so that the client's FIN is seen
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const { port } = server.address() as AddressInfo;
        await expect(fetchPeerCertificate('127.0.0.1', port, { timeoutMs: 500 })).resolves.toBe(
          undefined,
        );
        expect(closed).toHaveLength(1);
        // The server side sees the connection end: the client destroyed its socket.
        await Promise.all(closed);
      } finally {
        server.close();
      }
    });

    it('against the blackhole fixture', async () => {
      const blackhole = await startBlackhole();
      try {
        await expect(
          fetchPeerCertificate('127.0.0.1', blackhole.port, { timeoutMs: 500 }),
        ).resolves.toBeUndefined();
      } finally {
        await blackhole.close();
      }
    });

    it('on a closed port', async () => {
      const port = await closedPort();
      await expect(
        fetchPeerCertificate('127.0.0.1', port, { timeoutMs: 500 }),
      ).resolves.toBeUndefined();
    });

    it('against a plain-HTTP server', async () => {
      const server = createHttpServer((_req, res) => res.end('ok'));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const { port } = server.address() as AddressInfo;
        await expect(
          fetchPeerCertificate('127.0.0.1', port, { timeoutMs: 500 }),
        ).resolves.toBeUndefined();
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });

    it.each([
      { host: '127.0.0.1', port: 70000 },
      { host: '127.0.0.1', port: -1 },
      { host: 'name.invalid', port: 443 },
    ])('for $host:$port', async ({ host, port }) => {
      await expect(fetchPeerCertificate(host, port, { timeoutMs: 500 })).resolves.toBeUndefined();
    });
  });

  it('accepts an IPv6 host in URL brackets', async ({ skip }) => {
    const server = await apiServerOnLoopback6();
    if (!server) return skip('no IPv6 loopback on this machine');
    try {
      const peer = await fetchPeerCertificate('[::1]', server.port, { timeoutMs: 5000 });
      expect(peer?.ipAddresses).toContain('::1');
    } finally {
      await server.close();
    }
  });
});

/** The fake apiserver on ::1, or undefined where IPv6 loopback is unavailable. */
async function apiServerOnLoopback6(): Promise<
  { port: number; close: () => Promise<void> } | undefined
> {
  try {
    return await startApiServer({ tls: testTls(), host: '::1' });
  } catch {
    return undefined;
  }
}

describe('describeCoverage', () => {
  it('lists the DNS names and IP addresses of the serving certificate', async () => {
    expect(describeCoverage(await peerOf('server'))).toBe(
      'it covers DNS kubernetes, kubernetes.default, kubernetes.default.svc, ' +
        'kubernetes.default.svc.cluster.local, localhost; IP 10.96.0.1, 127.0.0.1, ::1',
    );
  });

  it('shows that a remote cluster certificate does not cover the loopback address', async () => {
    const text = describeCoverage(await peerOf('noLocalSan'));
    expect(text).toBe(`it covers DNS ${SERVER_DNS.join(', ')}; IP 10.96.0.1`);
    expect(text).not.toMatch(/localhost|127\.0\.0\.1|::1/);
  });

  it('cuts long lists and handles certificates without SANs', () => {
    const base: PeerCertificate = {
      subject: 'CN=api',
      issuer: 'CN=ca',
      dnsNames: [],
      ipAddresses: [],
      validFrom: new Date(0),
      validTo: new Date(0),
      fingerprint256: 'AA',
      authorityKeyId: undefined,
      chainSubjects: [],
    };
    expect(describeCoverage(base)).toBe(
      'it covers no DNS names or IP addresses (its subject is CN=api)',
    );
    const many = Array.from({ length: 15 }, (_, i) => `n${i}.example`);
    expect(describeCoverage({ ...base, ipAddresses: ['10.0.0.1'], dnsNames: many })).toBe(
      `it covers DNS ${many.slice(0, 12).join(', ')}, and 3 more; IP 10.0.0.1`,
    );
  });
});

describe('describeIssuerMismatch', () => {
  it('tells two CN=kubernetes CAs apart by key id and fingerprint', async () => {
    const tls = testTls();
    const peer = await peerOf('otherServer');
    const text = describeIssuerMismatch(peer, tls.ca.cert);
    expect(text).toMatch(
      /^the server certificate \(CN=kube-apiserver\) was issued by CN=kubernetes \(key id [0-9A-F:]+…\), but the given CA is CN=kubernetes \(key id [0-9A-F:]+…, SHA-256 [0-9A-F:]+…\)$/,
    );
    const [issuerKeyId, caKeyId] = keyIdsIn(text);
    expect(issuerKeyId).toBeDefined();
    expect(caKeyId).toBeDefined();
    expect(issuerKeyId).not.toBe(caKeyId);
    expect(opensslKeyId('otherCa.crt', 'subjectKeyIdentifier')).toContain(issuerKeyId);
    expect(opensslKeyId('ca.crt', 'subjectKeyIdentifier')).toContain(caKeyId);
    expect(text).toContain(`SHA-256 ${shortFingerprint(tls.ca.cert)}…`);
  });

  it('says so when a CA in the bundle has the key id the certificate names', async () => {
    const tls = testTls();
    const peer = await peerOf('otherServer');
    const text = describeIssuerMismatch(peer, tls.ca.cert + tls.otherCa.cert);
    expect(text).toBe(
      `the server certificate (CN=kube-apiserver) was issued by CN=kubernetes (key id ${keyIdsIn(text)[0] ?? ''}…), ` +
        `and the given CA CN=kubernetes (SHA-256 ${shortFingerprint(tls.otherCa.cert)}…) has that key id`,
    );
  });

  it('lists every CA of a bundle that does not fit', async () => {
    const tls = testTls();
    const peer = await peerOf('server');
    const text = describeIssuerMismatch(peer, `${tls.otherCa.cert}\n${tls.selfSigned.cert}`);
    expect(text).toContain('but the given CA bundle holds CN=kubernetes (key id ');
    expect(text).toContain(`SHA-256 ${shortFingerprint(tls.otherCa.cert)}…); CN=kube-apiserver (`);
    expect(text).toContain(`SHA-256 ${shortFingerprint(tls.selfSigned.cert)}…)`);
  });

  it('names a self-signed server certificate', async () => {
    const tls = testTls();
    const text = describeIssuerMismatch(await peerOf('selfSigned'), tls.ca.cert);
    expect(text).toMatch(
      /^the server certificate \(CN=kube-apiserver\) is self-signed \(issuer CN=kube-apiserver\), but the given CA is CN=kubernetes \(key id /,
    );
  });

  it('mentions the chain the server sent', async () => {
    const tls = testTls();
    const text = describeIssuerMismatch(await peerOf('chain'), tls.otherCa.cert);
    expect(text).toMatch(
      /^the server certificate \(CN=kube-apiserver; chain sent: CN=kubernetes\) was issued by CN=kubernetes \(key id /,
    );
  });

  it('does not throw on a CA without readable certificates', async () => {
    const peer = await peerOf('server');
    expect(describeIssuerMismatch(peer, 'not a certificate')).toMatch(
      /, but the given CA holds no readable certificate$/,
    );
    expect(
      describeIssuerMismatch(
        peer,
        '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      ),
    ).toMatch(/, but the given CA holds no readable certificate$/);
  });
});
