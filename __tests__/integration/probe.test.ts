import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConnectError } from '../../src/errors.js';
import { parseAccessChecks } from '../../src/inputs/can-i.js';
import { buildKubeconfig } from '../../src/kubeconfig.js';
import { verifyAccess, type ProbeOptions } from '../../src/probe.js';
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

const logged: string[] = [];
/** Probe options for one attempt (wait 0) unless a test asks for retries. */
function opts(extra: Partial<ProbeOptions> = {}): ProbeOptions {
  return {
    timeoutMs: 5000,
    waitMs: 0,
    checks: [],
    secrets: [token],
    readFile: (path) => readFileSync(path, 'utf8'),
    log: { info: (m) => logged.push(m), warning: (m) => logged.push(`warning: ${m}`) },
    ...extra,
  };
}

function kubeconfigFor(
  server: string,
  tok = token,
  ca = testTls().ca.cert,
  tlsServerName?: string,
): string {
  return buildKubeconfig({
    server: { url: server, host: new URL(server).hostname, plainHttp: false, from: 'input' },
    insecureSkipTlsVerify: false,
    tlsServerName,
    proxyUrl: undefined,
    certificateAuthority: {
      pem: ca,
      base64: Buffer.from(ca).toString('base64'),
      format: 'pem',
      certificates: [],
      from: 'input',
    },
    namespace: 'ci',
    context: 'default',
    credential: { token: tok },
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
    server = await startApiServer({
      tls: testTls(),
      tokens: { [token]: { ...identity, allow: ['list pods ci'] } },
    });
  });
  afterAll(async () => server.close());

  it('names the identity from a SelfSubjectReview and the server version', async () => {
    server.reset();
    const result = await verifyAccess(kubeconfigFor(server.url), opts());
    expect(result.identity).toEqual({
      username: 'system:serviceaccount:ci:deployer',
      uid: identity.uid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
      source: 'selfsubjectreview/v1',
    });
    expect(result.serverVersion).toBe('v1.34.0');
    expect(result.attempts).toBe(2);
  });

  it('sends the token as a bearer token and an empty review', async () => {
    server.reset();
    await verifyAccess(kubeconfigFor(server.url), opts());
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
    const err = await failure(verifyAccess(kubeconfigFor(server.url, unknownToken()), opts()));
    expect(err.kind).toBe('unauthorized');
  });

  it('falls back to v1beta1, then v1alpha1, on 404, as kubectl auth whoami does', async () => {
    server.reset();
    server.set({ ssr: 'ok', ssrServedVersions: ['v1alpha1'] });
    const result = await verifyAccess(kubeconfigFor(server.url), opts());
    expect(result.identity.username).toBe('system:serviceaccount:ci:deployer');
    expect(result.identity.source).toBe('selfsubjectreview/v1alpha1');
    expect(server.requests.map((r) => `${r.status ?? ''} ${r.path}`)).toEqual(
      expect.arrayContaining([
        '404 /apis/authentication.k8s.io/v1/selfsubjectreviews',
        '404 /apis/authentication.k8s.io/v1beta1/selfsubjectreviews',
        '201 /apis/authentication.k8s.io/v1alpha1/selfsubjectreviews',
      ]),
    );
  });

  it('proves the token with an access review and reports the identity as unknown when no review version is served', async () => {
    server.reset();
    logged.length = 0;
    server.set({ ssr: 'group-not-served' });
    const result = await verifyAccess(kubeconfigFor(server.url), opts());
    expect(result.identity).toMatchObject({
      username: undefined,
      groups: [],
      source: 'access-review',
    });
    expect(
      server.requests.some(
        (r) =>
          r.path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews' && r.status === 201,
      ),
    ).toBe(true);
    expect(logged).toContainEqual(
      expect.stringMatching(
        /^warning: Token accepted, but the server serves no SelfSubjectReview version/,
      ),
    );
  });

  it('still rejects a bad token when no review version is served', async () => {
    server.reset();
    server.set({ ssr: 'group-not-served' });
    const err = await failure(verifyAccess(kubeconfigFor(server.url, unknownToken()), opts()));
    expect(err.kind).toBe('unauthorized');
  });

  it('takes the username from a forbidden review, and proves the token with an access review', async () => {
    server.reset();
    logged.length = 0;
    server.set({ ssr: 'forbidden' });
    const result = await verifyAccess(kubeconfigFor(server.url), opts());
    expect(result.identity).toMatchObject({
      username: 'system:serviceaccount:ci:deployer',
      source: 'forbidden-message',
    });
    expect(logged).toContainEqual(
      expect.stringMatching(
        /^warning: Token accepted as system:serviceaccount:ci:deployer, but the server forbids SelfSubjectReview/,
      ),
    );
  });

  it.each([
    ['an HTML page', { html: true }],
    ['404 on /version', { version: 'not-found' as const }],
  ])('tells a server that is not Kubernetes (%s)', async (_name, behaviour) => {
    server.reset();
    server.set(behaviour);
    const err = await failure(verifyAccess(kubeconfigFor(server.url), opts()));
    expect(err.kind).toBe('not-kubernetes');
  });

  it('gives up after the timeout on a slow server', async () => {
    server.reset();
    server.set({ delayMs: 3000 });
    const err = await failure(verifyAccess(kubeconfigFor(server.url), opts({ timeoutMs: 300 })));
    expect(err.kind).toBe('timeout');
    expect(err.message).toContain('within 300ms');
  });

  it('retries 503 answers within wait and then succeeds', async () => {
    server.reset();
    logged.length = 0;
    server.set({ failFirst: { count: 3, status: 503, body: 'status' } });
    const result = await verifyAccess(kubeconfigFor(server.url), opts({ waitMs: 30_000 }));
    expect(result.identity.username).toBe('system:serviceaccount:ci:deployer');
    expect(result.attempts).toBe(5);
    expect(logged.filter((l) => /attempt \d failed \(HTTP 503/.test(l))).toHaveLength(3);
  });

  it('honours Retry-After on a plain-text 429', async () => {
    server.reset();
    server.set({ failFirst: { count: 1, status: 429, body: 'text', retryAfter: 1 } });
    const started = Date.now();
    const result = await verifyAccess(kubeconfigFor(server.url), opts({ waitMs: 30_000 }));
    expect(result.attempts).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('never retries a rejected token', async () => {
    server.reset();
    const err = await failure(
      verifyAccess(kubeconfigFor(server.url, unknownToken()), opts({ waitMs: 30_000 })),
    );
    expect(err.kind).toBe('unauthorized');
    expect(server.requests).toHaveLength(1);
  });

  it('runs every can-i check and reports allowed and denied ones', async () => {
    server.reset();
    const checks = parseAccessChecks(
      'list pods\ncreate deployments -n prod\nget secrets --all-namespaces',
      'ci',
    );
    const result = await verifyAccess(kubeconfigFor(server.url), opts({ checks }));
    expect(result.access.map((a) => [a.check.line, a.allowed])).toEqual([
      ['list pods', true],
      ['create deployments -n prod', false],
      ['get secrets --all-namespaces', false],
    ]);
    const sent = server.requests
      .filter((r) => r.path.endsWith('/selfsubjectaccessreviews'))
      .map((r) => JSON.parse(r.body) as unknown);
    expect(sent).toContainEqual({
      spec: {
        resourceAttributes: {
          verb: 'create',
          resource: 'deployments',
          group: 'apps',
          namespace: 'prod',
        },
      },
    });
  });

  it('keeps the per-request timeout when retrying, never loosening it', async () => {
    server.reset();
    server.set({ delayMs: 800 });
    const err = await failure(
      verifyAccess(kubeconfigFor(server.url), opts({ timeoutMs: 500, waitMs: 2_000 })),
    );
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/within 500ms.*still failing after \d+ attempts in 2s/);
  });

  it('reports 5xx answers with the server text', async () => {
    server.reset();
    server.set({ failFirst: { count: 5, status: 503, body: 'status', retryAfter: 5 } });
    const err = await failure(verifyAccess(kubeconfigFor(server.url), opts()));
    expect(err.kind).toBe('server-error');
    expect(err.message).toMatch(
      /answered 503 to GET \/version: the request has been made before all known HTTP paths have been installed/,
    );
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
    const err = await failure(verifyAccess(kubeconfigFor(s.url), opts()));
    expect(err.kind).toBe(kind);
  });

  it('lists the names the certificate covers and suggests tls-server-name when the host is not among them', async () => {
    const s = await serving('noLocalSan');
    const err = await failure(verifyAccess(kubeconfigFor(s.url), opts()));
    expect(err.message).toContain("IP: 127.0.0.1 is not in the cert's list: 10.96.0.1");
    expect(err.message).toContain(
      'it covers DNS kubernetes, kubernetes.default, kubernetes.default.svc',
    );
    expect(err.hint).toMatch(/^Set tls-server-name: kubernetes/);
  });

  it('shows the server certificate issuer next to the given CA when the CA does not verify it', async () => {
    const s = await serving('otherServer');
    const err = await failure(verifyAccess(kubeconfigFor(s.url), opts()));
    expect(err.message).toMatch(
      /issued by CN=kubernetes \(key id [0-9A-F:]+.*\), but the given CA is CN=kubernetes \(key id [0-9A-F:]+/,
    );
  });

  it('works with tls-server-name when the URL host is not in the certificate', async () => {
    const s = await serving('noLocalSan');
    const text = kubeconfigFor(s.url, token, testTls().ca.cert, 'kubernetes.default.svc');
    const result = await verifyAccess(text, opts());
    expect(result.identity.username).toBe('system:serviceaccount:ci:deployer');
  });

  it('fails after about wait when the server never comes up', async () => {
    const port = await closedPort();
    const started = Date.now();
    const err = await failure(
      verifyAccess(kubeconfigFor(`https://127.0.0.1:${port}`), opts({ waitMs: 3_000 })),
    );
    expect(err.kind).toBe('refused');
    expect(err.message).toMatch(/still failing after \d+ attempts in 3s/);
    // About wait (3 s), not much later; with room for a slow, shared machine.
    expect(Date.now() - started).toBeLessThan(7_500);
  });

  it('fails after about wait when the server accepts connections and never answers', async () => {
    const hole = await startBlackhole();
    try {
      const started = Date.now();
      const err = await failure(
        verifyAccess(
          kubeconfigFor(`https://127.0.0.1:${hole.port}`),
          opts({ timeoutMs: 1_000, waitMs: 3_000 }),
        ),
      );
      expect(err.kind).toBe('timeout');
      // About wait (3 s), not much later; with room for a slow, shared machine.
      expect(Date.now() - started).toBeLessThan(7_500);
    } finally {
      await hole.close();
    }
  });

  it('connects once the port comes up within wait', async () => {
    const port = await closedPort();
    const later = setTimeout(() => {
      void startApiServer({ tls: testTls(), port, tokens: { [token]: identity } }).then((s) =>
        servers.push(s),
      );
    }, 1_500);
    try {
      const result = await verifyAccess(
        kubeconfigFor(`https://127.0.0.1:${port}`),
        opts({ waitMs: 20_000 }),
      );
      expect(result.identity.username).toBe('system:serviceaccount:ci:deployer');
      expect(result.attempts).toBeGreaterThan(2);
    } finally {
      clearTimeout(later);
    }
  });

  it('reports a refused connection', async () => {
    const port = await closedPort();
    const err = await failure(verifyAccess(kubeconfigFor(`https://127.0.0.1:${port}`), opts()));
    expect(err.kind).toBe('refused');
    expect(err.message).toContain(`127.0.0.1:${port}`);
  });

  it('reports a host name that does not resolve', async () => {
    const err = await failure(
      verifyAccess(kubeconfigFor('https://does-not-exist.invalid:6443'), opts()),
    );
    expect(err.kind).toBe('dns');
  });

  it('reports a server that accepts TCP but never answers TLS as a timeout', async () => {
    const hole = await startBlackhole();
    try {
      const err = await failure(
        verifyAccess(kubeconfigFor(`https://127.0.0.1:${hole.port}`), opts({ timeoutMs: 500 })),
      );
      expect(err.kind).toBe('timeout');
    } finally {
      await hole.close();
    }
  });
});
