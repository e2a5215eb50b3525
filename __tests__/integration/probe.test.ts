import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConnectError } from '../../src/errors.js';
import { buildKubeconfig } from '../../src/kubeconfig.js';
import { verifyAccess } from '../../src/probe.js';
import {
  closedPort,
  makeServiceAccountToken,
  startApiServer,
  startBlackhole,
  unknownToken,
  type FakeApiServer,
  type ServingCert,
} from '../fixtures/apiserver.ts';
import { testTls } from '../fixtures/tools.ts';

const { token, identity } = makeServiceAccountToken('ci', 'deployer');

function kubeconfigFor(server: string, tok = token, ca = testTls().ca.cert): string {
  return buildKubeconfig({
    server: { url: server, host: new URL(server).hostname, plainHttp: false },
    certificateAuthority: {
      pem: ca,
      base64: Buffer.from(ca).toString('base64'),
      format: 'pem',
      certificates: [],
      from: 'certificate-authority',
    },
    namespace: 'ci',
    context: 'default',
    token: tok,
  });
}

async function failure(promise: Promise<unknown>): Promise<KubeConnectError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof KubeConnectError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('verifyAccess against a kube-apiserver over TLS', () => {
  let server: FakeApiServer;
  beforeAll(async () => {
    server = await startApiServer({ tls: testTls(), tokens: { [token]: identity } });
  });
  afterAll(async () => server.close());

  it('names the identity from a SelfSubjectReview and the server version', async () => {
    server.reset();
    const result = await verifyAccess(kubeconfigFor(server.url), { timeoutMs: 5000 });
    expect(result).toEqual({
      username: 'system:serviceaccount:ci:deployer',
      uid: identity.uid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
      serverVersion: 'v1.34.0',
    });
  });

  it('sends the token as a bearer token and an empty review', async () => {
    server.reset();
    await verifyAccess(kubeconfigFor(server.url), { timeoutMs: 5000 });
    const review = server.requests.find((r) => r.path.endsWith('/selfsubjectreviews'));
    expect(review?.method).toBe('POST');
    expect(review?.path).toBe('/apis/authentication.k8s.io/v1/selfsubjectreviews');
    expect(review?.headers.authorization).toBe(`Bearer ${token}`);
    expect(review?.headers['content-type']).toMatch(/^application\/json/);
    expect(server.requests.map((r) => r.path)).toContainEqual(
      expect.stringMatching(/^\/version\/?$/),
    );
  });

  it('reports a rejected token as 401', async () => {
    server.reset();
    const err = await failure(
      verifyAccess(kubeconfigFor(server.url, unknownToken()), { timeoutMs: 5000 }),
    );
    expect(err.kind).toBe('unauthorized');
  });

  it('reports a review the server forbids as 403 with the server message', async () => {
    server.reset();
    server.set({ ssr: 'forbidden' });
    const err = await failure(verifyAccess(kubeconfigFor(server.url), { timeoutMs: 5000 }));
    expect(err.kind).toBe('forbidden');
    expect(err.message).toContain('cannot create resource "selfsubjectreviews"');
  });

  it('reports a server without the SelfSubjectReview API', async () => {
    server.reset();
    server.set({ ssr: 'group-not-served' });
    const err = await failure(verifyAccess(kubeconfigFor(server.url), { timeoutMs: 5000 }));
    expect(err.kind).toBe('api-missing');
  });

  it.each([
    ['an HTML page', { html: true }],
    ['404 on /version', { version: 'not-found' as const }],
  ])('tells a server that is not Kubernetes (%s)', async (_name, behaviour) => {
    server.reset();
    server.set(behaviour);
    const err = await failure(verifyAccess(kubeconfigFor(server.url), { timeoutMs: 5000 }));
    expect(err.kind).toBe('not-kubernetes');
  });

  it('gives up after the timeout on a slow server', async () => {
    server.reset();
    server.set({ delayMs: 3000 });
    const err = await failure(verifyAccess(kubeconfigFor(server.url), { timeoutMs: 300 }));
    expect(err.kind).toBe('timeout');
    expect(err.message).toContain('within 300ms');
  });

  it('reports 5xx answers with the server text', async () => {
    server.reset();
    server.set({ failFirst: { count: 5, status: 503, body: 'status', retryAfter: 5 } });
    const err = await failure(verifyAccess(kubeconfigFor(server.url), { timeoutMs: 5000 }));
    expect(err.kind).toBe('server-error');
    expect(err.message).toMatch(/answered 503/);
  });
});

describe('verifyAccess with TLS and network failures', () => {
  const servers: FakeApiServer[] = [];
  afterAll(async () => Promise.all(servers.map(async (s) => s.close())));

  async function serving(cert: ServingCert, host?: string): Promise<FakeApiServer> {
    const s = await startApiServer({
      tls: testTls(),
      cert,
      tokens: { [token]: identity },
      ...(host ? { host } : {}),
    });
    servers.push(s);
    return s;
  }

  it.each([
    ['a server certificate from another CA', 'otherServer' as const, 'tls-ca'],
    ['a self-signed server certificate', 'selfSigned' as const, 'tls-ca'],
    ['a certificate without the URL host', 'noLocalSan' as const, 'tls-hostname'],
  ])('reports %s', async (_name, cert, kind) => {
    const s = await serving(cert);
    const err = await failure(verifyAccess(kubeconfigFor(s.url), { timeoutMs: 5000 }));
    expect(err.kind).toBe(kind);
  });

  it('says which addresses the certificate covers when the host is not among them', async () => {
    const s = await serving('noLocalSan');
    const err = await failure(verifyAccess(kubeconfigFor(s.url), { timeoutMs: 5000 }));
    expect(err.message).toContain("IP: 127.0.0.1 is not in the cert's list: 10.96.0.1");
  });

  it('reports a refused connection', async () => {
    const port = await closedPort();
    const err = await failure(
      verifyAccess(kubeconfigFor(`https://127.0.0.1:${port}`), { timeoutMs: 5000 }),
    );
    expect(err.kind).toBe('refused');
    expect(err.message).toContain(`127.0.0.1:${port}`);
  });

  it('reports a host name that does not resolve', async () => {
    const err = await failure(
      verifyAccess(kubeconfigFor('https://does-not-exist.invalid:6443'), { timeoutMs: 5000 }),
    );
    expect(err.kind).toBe('dns');
  });

  it('reports a server that accepts TCP but never answers TLS as a timeout', async () => {
    const hole = await startBlackhole();
    try {
      const err = await failure(
        verifyAccess(kubeconfigFor(`https://127.0.0.1:${hole.port}`), { timeoutMs: 500 }),
      );
      expect(err.kind).toBe('timeout');
    } finally {
      await hole.close();
    }
  });
});
