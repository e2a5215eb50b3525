/**
 * Proves the fake kube-apiserver (fixtures/apiserver.ts) is faithful enough: real clients —
 * @kubernetes/client-node, kubectl 1.35 and helm 4 — accept it and react as they do to a real
 * cluster, and the raw wire details match /work/shared/docs/kube-apiserver-wire.md.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  ApiException,
  AuthenticationV1Api,
  AuthorizationV1Api,
  KubeConfig,
  VersionApi,
} from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  closedPort,
  makeServiceAccountToken,
  startApiServer,
  startBlackhole,
  type FakeApiServer,
  type ServingCert,
} from '../fixtures/apiserver.ts';
import type { TlsMaterial } from '../fixtures/tls.ts';
import { helmPath, isolatedToolEnv, kubectlPath, testTls } from '../fixtures/tools.ts';

const execFileAsync = promisify(execFile);

const DEPLOYER = makeServiceAccountToken('ci', 'deployer');
const READER = makeServiceAccountToken('ci', 'reader');
const ADMIN_TOKEN = 'admin-token';
const UNKNOWN_TOKEN = makeServiceAccountToken('ci', 'ghost').token;

const UNAUTHORIZED_BODY =
  '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}\n';

interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let tls: TlsMaterial;
let server: FakeApiServer;
let work: string;
let home: string;

function kubeconfigYaml(url: string, token: string, ca: string = tls.ca.cert): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: fake',
    '  cluster:',
    `    server: ${url}`,
    `    certificate-authority-data: ${Buffer.from(ca).toString('base64')}`,
    'users:',
    '- name: ci-deployer',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: fake',
    '  context:',
    '    cluster: fake',
    '    user: ci-deployer',
    '    namespace: ci',
    'current-context: fake',
    '',
  ].join('\n');
}

function kubeConfig(token: string, url = server.url, ca?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml(url, token, ca));
  return kc;
}

function kubeconfigFile(token: string): string {
  const file = join(home, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, kubeconfigYaml(server.url, token), { mode: 0o600 });
  return file;
}

/** Runs a real binary asynchronously (the fake server lives in this process's event loop). */
async function runTool(bin: string, args: string[]): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await execFileAsync(bin, args, {
      env: isolatedToolEnv(home),
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function kubectl(token: string, ...args: string[]): Promise<ToolResult> {
  return runTool(kubectlPath(), [
    ...args,
    '--kubeconfig',
    kubeconfigFile(token),
    '--cache-dir',
    join(home, '.kube', 'cache'),
  ]);
}

async function helm(token: string, ...args: string[]): Promise<ToolResult> {
  return runTool(helmPath(), [...args, '--kubeconfig', kubeconfigFile(token)]);
}

async function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      { method: options.method ?? 'GET', headers: options.headers ?? {}, ca: tls.ca.cert },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err,
  );
}

beforeAll(async () => {
  tls = testTls();
  server = await startApiServer({
    tls,
    tokens: {
      [DEPLOYER.token]: {
        ...DEPLOYER.identity,
        allow: ['list pods ci', 'get,list secrets ci', 'create serviceaccounts/token ci'],
      },
      [READER.token]: READER.identity,
      [ADMIN_TOKEN]: {
        username: 'kubernetes-admin',
        groups: ['kubeadm:cluster-admins'],
        allow: ['*'],
      },
    },
  });
  work = mkdtempSync(join(tmpdir(), 'kube-connect-fake-apiserver-'));
});

afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  server.reset();
  home = mkdtempSync(join(work, 'home-'));
});

describe('fake apiserver with @kubernetes/client-node', () => {
  it('returns the token identity from SelfSubjectReview', async () => {
    const review = await kubeConfig(DEPLOYER.token)
      .makeApiClient(AuthenticationV1Api)
      .createSelfSubjectReview({ body: {} });

    expect(review.status?.userInfo).toEqual({
      username: 'system:serviceaccount:ci:deployer',
      uid: DEPLOYER.identity.uid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
      extra: DEPLOYER.identity.extra,
    });
    expect(review.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const [recorded] = server.requests;
    expect(recorded).toMatchObject({
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      body: '{}',
      status: 201,
    });
    expect(recorded?.headers.authorization).toBe(`Bearer ${DEPLOYER.token}`);
    expect(recorded?.headers['content-type']).toBe('application/json');
  });

  it('rejects an unknown token with ApiException code 401 and no body', async () => {
    const err = await rejection(
      kubeConfig(UNKNOWN_TOKEN)
        .makeApiClient(AuthenticationV1Api)
        .createSelfSubjectReview({ body: {} }),
    );

    expect(err).toBeInstanceOf(ApiException);
    expect(err).toMatchObject({ code: 401, body: undefined });
  });

  it('reports the gitVersion from GET /version', async () => {
    const info = await kubeConfig(READER.token).makeApiClient(VersionApi).getCode();

    expect(info).toMatchObject({
      major: '1',
      minor: '34',
      gitVersion: 'v1.34.0',
      platform: 'linux/amd64',
    });
    // The generated path is '/version/', but RequestContext.getUrl() strips the trailing slash.
    expect(server.requests.map((r) => r.path)).toEqual(['/version']);
  });

  it('surfaces a 403 as ApiException with the raw Status text as body', async () => {
    server.set({ ssr: 'forbidden' });

    const err = await rejection(
      kubeConfig(READER.token)
        .makeApiClient(AuthenticationV1Api)
        .createSelfSubjectReview({ body: {} }),
    );

    expect(err).toMatchObject({ code: 403 });
    const body = (err as ApiException<string>).body;
    expect(typeof body).toBe('string');
    expect(JSON.parse(body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'selfsubjectreviews.authentication.k8s.io is forbidden: User "system:serviceaccount:ci:reader" cannot create resource "selfsubjectreviews" in API group "authentication.k8s.io" at the cluster scope',
      reason: 'Forbidden',
      details: { group: 'authentication.k8s.io', kind: 'selfsubjectreviews' },
      code: 403,
    });
  });

  it('evaluates SelfSubjectAccessReview against the token rules', async () => {
    const api = kubeConfig(DEPLOYER.token).makeApiClient(AuthorizationV1Api);
    const review = async (verb: string, resource: string): Promise<boolean | undefined> =>
      (
        await api.createSelfSubjectAccessReview({
          body: { spec: { resourceAttributes: { namespace: 'ci', verb, resource } } },
        })
      ).status?.allowed;

    await expect(review('list', 'pods')).resolves.toBe(true);
    await expect(review('delete', 'pods')).resolves.toBe(false);
    await expect(review('get', 'secrets')).resolves.toBe(true);
  });

  it('hands back APF 429s untouched (client-node does not retry)', async () => {
    server.set({ failFirst: { count: 1, status: 429, retryAfter: 1, body: 'text' } });

    const err = await rejection(kubeConfig(READER.token).makeApiClient(VersionApi).getCode());

    expect(err).toMatchObject({
      code: 429,
      body: 'Too many requests, please try again later.\n',
      headers: { 'retry-after': '1' },
    });
    await expect(
      kubeConfig(READER.token).makeApiClient(VersionApi).getCode(),
    ).resolves.toMatchObject({ gitVersion: 'v1.34.0' });
  });
});

describe('fake apiserver on the wire', () => {
  it('answers an unknown token with the 129-byte Unauthorized Status and no APF headers', async () => {
    const res = await raw('/version', { headers: bearer(UNKNOWN_TOKEN) });

    expect(res.status).toBe(401);
    expect(res.body).toBe(UNAUTHORIZED_BODY);
    expect(Buffer.byteLength(res.body)).toBe(129);
    expect(res.headers).toMatchObject({
      'content-type': 'application/json',
      'cache-control': 'no-cache, private',
      'content-length': '129',
    });
    expect(res.headers['audit-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers).not.toHaveProperty('x-kubernetes-pf-flowschema-uid');
    expect(res.headers).not.toHaveProperty('www-authenticate');
    expect(res.headers).not.toHaveProperty('x-content-type-options');
  });

  it('parses the bearer scheme case-insensitively and trims the header', async () => {
    const res = await raw('/api', { headers: { Authorization: `  bEaReR ${READER.token}  ` } });

    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
  });

  it('treats requests without credentials as system:anonymous', async () => {
    const version = await raw('/version');
    const api = await raw('/api');
    const ssr = await raw('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      method: 'POST',
      body: '{}',
    });

    expect(version.status).toBe(200);
    expect(api.status).toBe(403);
    expect(JSON.parse(api.body)).toMatchObject({
      message: 'forbidden: User "system:anonymous" cannot get path "/api"',
      details: {},
    });
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    expect(api.headers['x-kubernetes-pf-flowschema-uid']).toBeDefined();
    expect(ssr.status).toBe(403);
  });

  it('answers 401 without credentials when anonymous auth is off', async () => {
    server.set({ anonymous: false });

    const res = await raw('/healthz');

    expect(res.status).toBe(401);
    expect(res.body).toBe(UNAUTHORIZED_BODY);
  });

  it('serves /version as indented JSON without a trailing newline', async () => {
    const res = await raw('/version', { headers: bearer(READER.token) });

    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.endsWith('}')).toBe(true);
    expect(res.body).toBe(
      JSON.stringify(
        {
          major: '1',
          minor: '34',
          emulationMajor: '1',
          emulationMinor: '34',
          minCompatibilityMajor: '1',
          minCompatibilityMinor: '33',
          gitVersion: 'v1.34.0',
          gitCommit: 'f28b4c9efbca5c5c0af716d9f2d5702667ee8a45',
          gitTreeState: 'clean',
          buildDate: '2025-08-27T10:09:04Z',
          goVersion: 'go1.24.6',
          compiler: 'gc',
          platform: 'linux/amd64',
        },
        null,
        2,
      ),
    );
  });

  it('drops the emulation fields for pre-1.33 servers', async () => {
    server.set({ version: 'pre-1.33' });

    const res = await raw('/version/', { headers: bearer(READER.token) });

    expect(Object.keys(JSON.parse(res.body) as object)).not.toContain('emulationMajor');
  });

  it('pretty-prints errors for curl but not for other clients', async () => {
    const curl = await raw('/', {
      headers: { ...bearer(READER.token), 'User-Agent': 'curl/8.5.0' },
    });
    const plain = await raw('/', { headers: bearer(READER.token) });

    expect(curl.body).toBe(
      [
        '{',
        '  "kind": "Status",',
        '  "apiVersion": "v1",',
        '  "metadata": {},',
        '  "status": "Failure",',
        '  "message": "forbidden: User \\"system:serviceaccount:ci:reader\\" cannot get path \\"/\\"",',
        '  "reason": "Forbidden",',
        '  "details": {},',
        '  "code": 403',
        '}',
      ].join('\n'),
    );
    expect(plain.body.endsWith('"code":403}\n')).toBe(true);
  });

  it('answers health endpoints with a plain ok', async () => {
    const res = await raw('/readyz');

    expect(res).toMatchObject({
      status: 200,
      body: 'ok',
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
    });
  });

  it('reports a failing etcd check on the health endpoints', async () => {
    server.set({ health: 'failing' });

    const res = await raw('/readyz');

    expect(res.status).toBe(500);
    expect(res.body).toContain('[-]etcd failed: reason withheld\n');
    expect(res.body.endsWith('readyz check failed\n')).toBe(true);
  });

  it('waits delayMs before answering', async () => {
    server.set({ delayMs: 200 });

    const started = performance.now();
    const res = await raw('/healthz');

    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('answers unknown paths with the text 404 once authorization allows them', async () => {
    const res = await raw('/no/such/path', { headers: bearer(ADMIN_TOKEN) });

    expect(res).toMatchObject({
      status: 404,
      body: '404 page not found\n',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  });

  it('distinguishes a missing SelfSubjectReview route from an unserved group version', async () => {
    server.set({ ssr: 'not-found' });
    const post = async (version: string): Promise<RawResponse> =>
      raw(`/apis/authentication.k8s.io/${version}/selfsubjectreviews`, {
        method: 'POST',
        headers: { ...bearer(READER.token), 'Content-Type': 'application/json' },
        body: '{}',
      });

    const v1 = await post('v1');
    const beta = await post('v1beta1');

    expect(v1.status).toBe(404);
    expect(JSON.parse(v1.body)).toMatchObject({
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
      details: {},
    });
    expect(beta).toMatchObject({ status: 404, body: '404 page not found\n' });
  });

  it('rejects a SelfSubjectAccessReview with neither attribute set', async () => {
    const res = await raw('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      method: 'POST',
      headers: { ...bearer(READER.token), 'Content-Type': 'application/json' },
      body: '{"spec":{}}',
    });

    expect(res.status).toBe(422);
    expect(JSON.parse(res.body)).toMatchObject({
      reason: 'Invalid',
      details: { causes: [{ reason: 'FieldValueInvalid', field: 'spec' }] },
    });
  });

  it('answers a non-Kubernetes login page in html mode', async () => {
    server.set({ html: true });

    const res = await raw('/version', { headers: bearer(UNKNOWN_TOKEN) });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<form');
  });

  it('fails only the first N requests with the configured status', async () => {
    server.set({ failFirst: { count: 2, status: 503, retryAfter: 5, body: 'status' } });

    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await raw('/version', { headers: bearer(READER.token) })).status);
    const first = server.requests[0];

    expect(statuses).toEqual([503, 503, 200]);
    expect(first?.status).toBe(503);
  });

  it('writes the 504 timeout Status without kind or a JSON content type', async () => {
    server.set({ failFirst: { count: 1, status: 504, body: 'status' } });

    const res = await raw('/version', { headers: bearer(READER.token) });

    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toBe(
      '{"metadata":{},"status":"Failure","message":"Timeout: request did not complete within the allotted timeout","reason":"Timeout","details":{},"code":504}\n',
    );
  });

  it('puts workflow-command lines into a text 500 when echoMaliciousText is on', async () => {
    server.set({ echoMaliciousText: true });

    const res = await raw('/version', { headers: bearer(READER.token) });

    expect(res.status).toBe(500);
    expect(res.body).toContain('\n::warning::injected\n');
    expect(res.body).toContain('\n::set-output name=x::y\n');
  });

  it('drops the connection without an answer when resetConnections is on', async () => {
    server.set({ resetConnections: true });

    const err = await rejection(raw('/version'));

    expect(err).toMatchObject({ code: 'ECONNRESET' });
  });
});

describe('fake apiserver with real kubectl', () => {
  it('shows the username in kubectl auth whoami -o json', async () => {
    const res = await kubectl(DEPLOYER.token, 'auth', 'whoami', '-o', 'json');

    expect(res.code).toBe(0);
    const review = JSON.parse(res.stdout) as { status: { userInfo: { username: string } } };
    expect(review.status.userInfo.username).toBe('system:serviceaccount:ci:deployer');
  });

  it('lists no pods in a namespace the token may read', async () => {
    const res = await kubectl(DEPLOYER.token, 'get', 'pods', '-n', 'ci');

    expect(res).toMatchObject({ code: 0, stdout: '' });
    expect(res.stderr.trim()).toBe('No resources found in ci namespace.');
  });

  it('prints Forbidden for a token without the list rule', async () => {
    const res = await kubectl(READER.token, 'get', 'pods', '-n', 'ci');

    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(
      'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:ci:reader" cannot list resource "pods" in API group "" in the namespace "ci"',
    );
  });

  it('asks the user to log in for an unknown token', async () => {
    const res = await kubectl(UNKNOWN_TOKEN, 'auth', 'whoami');

    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
  });

  it('answers kubectl auth can-i from the token rules', async () => {
    const yes = await kubectl(DEPLOYER.token, 'auth', 'can-i', 'list', 'pods', '-n', 'ci');
    const no = await kubectl(READER.token, 'auth', 'can-i', 'list', 'pods', '-n', 'ci');

    expect(yes).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(no).toMatchObject({ code: 1, stdout: 'no\n' });
  });

  it('falls back from SelfSubjectReview v1 to v1beta1 on 404', async () => {
    server.set({ ssrServedVersions: ['v1beta1'] });

    const res = await kubectl(DEPLOYER.token, 'auth', 'whoami');

    expect(res.code).toBe(0);
    expect(res.stdout).toContain('system:serviceaccount:ci:deployer');
    expect(server.requests.map((r) => `${r.status} ${r.path}`)).toEqual([
      '404 /apis/authentication.k8s.io/v1/selfsubjectreviews',
      '201 /apis/authentication.k8s.io/v1beta1/selfsubjectreviews',
    ]);
  });

  it('retries APF 429s that carry Retry-After', async () => {
    server.set({ failFirst: { count: 1, status: 429, retryAfter: 1, body: 'text' } });

    const res = await kubectl(DEPLOYER.token, 'auth', 'whoami');

    expect(res.code).toBe(0);
    expect(server.requests.map((r) => r.status)).toEqual([429, 201]);
  });

  it('mints a token with kubectl create token', async () => {
    const res = await kubectl(
      DEPLOYER.token,
      'create',
      'token',
      'deployer',
      '-n',
      'ci',
      '--duration=20m',
    );

    expect(res.code).toBe(0);
    const minted = res.stdout.trim();
    expect(minted.split('.')).toHaveLength(3);
    const whoami = await kubectl(minted, 'auth', 'whoami', '-o', 'json');
    expect(JSON.parse(whoami.stdout)).toMatchObject({
      status: { userInfo: { username: 'system:serviceaccount:ci:deployer' } },
    });
  });
});

describe('fake apiserver with real helm', () => {
  it('lists releases through the helm Secret storage', async () => {
    const res = await helm(DEPLOYER.token, 'list', '-n', 'ci');

    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')[0]).toMatch(
      /^NAME\s+NAMESPACE\s+REVISION\s+UPDATED\s+STATUS\s+CHART/,
    );
    const secrets = server.requests.find((r) => r.path === '/api/v1/namespaces/ci/secrets');
    expect(secrets?.method).toBe('GET');
    expect(secrets?.query.get('labelSelector')).toBe('owner=helm');
    expect(secrets?.status).toBe(200);
  });
});

describe('fake apiserver TLS failures seen by client-node', () => {
  let other: FakeApiServer | undefined;

  afterEach(async () => {
    await other?.close();
    other = undefined;
  });

  async function startOther(cert: ServingCert): Promise<FakeApiServer> {
    other = await startApiServer({ tls, cert, tokens: { [READER.token]: READER.identity } });
    return other;
  }

  async function versionError(cert: ServingCert, ca: string = tls.ca.cert): Promise<unknown> {
    other = await startOther(cert);
    return rejection(kubeConfig(READER.token, other.url, ca).makeApiClient(VersionApi).getCode());
  }

  it.each([
    ['otherServer', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    ['noLocalSan', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ['selfSigned', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['expired', 'CERT_HAS_EXPIRED'],
  ] as const)('fails %s with cause.code %s', async (cert, code) => {
    const err = await versionError(cert);

    expect(err).toBeInstanceOf(TypeError);
    expect(err).toMatchObject({ message: 'fetch failed', cause: { code } });
  });

  it('reports SELF_SIGNED_CERT_IN_CHAIN when the server sends its root and the CA is another', async () => {
    const err = await versionError('chain', tls.otherCa.cert);

    expect(err).toMatchObject({ cause: { code: 'SELF_SIGNED_CERT_IN_CHAIN' } });
  });

  it('accepts the chain variant with the right CA', async () => {
    other = await startOther('chain');

    const info = await kubeConfig(READER.token, other.url).makeApiClient(VersionApi).getCode();

    expect(info.gitVersion).toBe('v1.34.0');
  });

  it('reports ECONNREFUSED for a closed port', async () => {
    const url = `https://127.0.0.1:${await closedPort()}`;

    const err = await rejection(kubeConfig(READER.token, url).makeApiClient(VersionApi).getCode());

    expect(err).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  });

  it('accepts TCP on the blackhole but never completes a TLS handshake', async () => {
    const hole = await startBlackhole();
    try {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: hole.port, ca: tls.ca.cert });
        const timer = setTimeout(() => {
          socket.destroy();
          resolve('still handshaking');
        }, 300);
        socket.on('secureConnect', () => {
          clearTimeout(timer);
          socket.destroy();
          resolve('handshake completed');
        });
        socket.on('error', (e: Error) => {
          clearTimeout(timer);
          resolve(`error ${e.message}`);
        });
      });
      expect(outcome).toBe('still handshaking');
    } finally {
      await hole.close();
    }
  });
});
