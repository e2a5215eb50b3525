/**
 * Proves the CONNECT proxy fixture (fixtures/proxy.ts) with real clients — @kubernetes/client-node
 * 2.0.1 (undici's ProxyAgent) and kubectl 1.35 — and pins down what client-node throws when the
 * proxy fails, which the action's error diagnosis relies on. The API server is only reachable as
 * https://kubernetes.default.svc:PORT through the proxy: a direct connection fails DNS.
 *
 * Last, kubectl and src/proxy-env.ts must agree on when HTTPS_PROXY / NO_PROXY apply.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { proxyForUrl } from '../../src/proxy-env.js';
import {
  closedPort,
  makeServiceAccountToken,
  startApiServer,
  type FakeApiServer,
} from '../fixtures/apiserver.ts';
import { startProxy, type ProxyOptions, type TestProxy } from '../fixtures/proxy.ts';
import type { TlsMaterial } from '../fixtures/tls.ts';
import { isolatedToolEnv, kubectlPath, scratchDir, testTls } from '../fixtures/tools.ts';

const execFileAsync = promisify(execFile);

const SA = makeServiceAccountToken('ci', 'deployer');
const PROXY_USER = 'proxy-user';
const PROXY_PASSWORD = 'p@ss:w/rd';

interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

let tls: TlsMaterial;
let server: FakeApiServer;
let home: string;
const proxies: TestProxy[] = [];

/** The API server's URL under the service name, reachable through the proxy only. */
function serviceUrl(): string {
  return `https://kubernetes.default.svc:${server.port}`;
}

function kubeconfigYaml(proxyUrl?: string, serverUrl = serviceUrl()): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: fake',
    '  cluster:',
    `    server: ${JSON.stringify(serverUrl)}`,
    `    certificate-authority-data: ${Buffer.from(tls.ca.cert).toString('base64')}`,
    ...(proxyUrl === undefined ? [] : [`    proxy-url: ${JSON.stringify(proxyUrl)}`]),
    'users:',
    '- name: ci-deployer',
    '  user:',
    `    token: ${SA.token}`,
    'contexts:',
    '- name: fake',
    '  context:',
    '    cluster: fake',
    '    user: ci-deployer',
    'current-context: fake',
    '',
  ].join('\n');
}

async function proxy(options?: ProxyOptions): Promise<TestProxy> {
  const p = await startProxy(options);
  proxies.push(p);
  return p;
}

async function getVersion(proxyUrl: string): Promise<unknown> {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml(proxyUrl));
  return kc.makeApiClient(VersionApi).getCode();
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err,
  );
}

function credentialUrl(p: TestProxy): string {
  const user = encodeURIComponent(PROXY_USER);
  return `http://${user}:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${p.port}`;
}

/** kubectl get --raw /version, asynchronously (the fake server lives in this event loop). */
async function kubectlVersion(
  env: Record<string, string>,
  proxyUrl?: string,
  serverUrl?: string,
): Promise<ToolResult> {
  const file = join(home, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, kubeconfigYaml(proxyUrl, serverUrl), { mode: 0o600 });
  try {
    const { stdout, stderr } = await execFileAsync(
      kubectlPath(),
      ['get', '--raw', '/version', '--kubeconfig', file, '--request-timeout', '10s'],
      { env: { ...isolatedToolEnv(home), ...env }, encoding: 'utf8', timeout: 30_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  tls = testTls();
  server = await startApiServer({ tls, tokens: { [SA.token]: SA.identity } });
  home = scratchDir('kube-connect-proxy-');
});

afterEach(async () => {
  await Promise.all(proxies.splice(0).map(async (p) => p.close()));
});

afterAll(async () => {
  await server.close();
});

describe('test proxy with @kubernetes/client-node', () => {
  it('tunnels a call to kubernetes.default.svc given as proxy-url', async () => {
    const p = await proxy();

    await expect(getVersion(p.url)).resolves.toMatchObject({ gitVersion: 'v1.34.0' });
    expect(p.connects).toEqual([
      { target: `kubernetes.default.svc:${server.port}`, authorization: undefined },
    ]);
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${SA.token}`);
  });

  it('sends Proxy-Authorization built from credentials in the proxy URL', async () => {
    const p = await proxy({ auth: { user: PROXY_USER, password: PROXY_PASSWORD } });

    await expect(getVersion(credentialUrl(p))).resolves.toMatchObject({ gitVersion: 'v1.34.0' });
    const basic = Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64');
    expect(p.connects).toEqual([
      { target: `kubernetes.default.svc:${server.port}`, authorization: `Basic ${basic}` },
    ]);
  });

  it.each([
    ['wants credentials that are missing', { auth: { user: 'u', password: 'p' } }, 407],
    ['refuses the host', { refuseWith: 403 }, 403],
  ])(
    'throws TypeError "fetch failed" with the status deep in .cause when the proxy %s',
    async (_name, options: ProxyOptions, status) => {
      const p = await proxy(options);

      const err = await rejection(getVersion(p.url));

      // undici fetch: TypeError ← DOMException "Request was cancelled." ← RequestAbortedError.
      expect(err).toBeInstanceOf(TypeError);
      expect(err).toMatchObject({
        name: 'TypeError',
        message: 'fetch failed',
        cause: {
          name: 'Error',
          message: 'Request was cancelled.',
          cause: {
            name: 'AbortError',
            code: 'UND_ERR_ABORTED',
            message: `Proxy response (${status}) !== 200 when HTTP Tunneling`,
          },
        },
      });
      expect((err as { code?: unknown }).code).toBeUndefined();
      const cause = (err as { cause: unknown }).cause;
      expect(cause).toBeInstanceOf(DOMException);
      const inner = (cause as { cause: unknown }).cause;
      expect(inner).toBeInstanceOf(Error);
      expect((inner as Error).constructor.name).toBe('RequestAbortedError');
      expect(p.connects).toHaveLength(1);
    },
  );

  it('throws TypeError "fetch failed" caused by ECONNREFUSED when nothing listens', async () => {
    const port = await closedPort();

    const err = await rejection(getVersion(`http://127.0.0.1:${port}`));

    expect(err).toBeInstanceOf(TypeError);
    expect(err).toMatchObject({
      message: 'fetch failed',
      cause: {
        name: 'Error',
        message: `connect ECONNREFUSED 127.0.0.1:${port}`,
        code: 'ECONNREFUSED',
        syscall: 'connect',
        address: '127.0.0.1',
        port,
      },
    });
  });

  it('answers plain (non-CONNECT) proxy requests with 501 at once', async () => {
    const p = await proxy();

    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: p.port, path: 'http://example.invalid/' },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });

    expect(status).toBe(501);
    expect(p.connects).toEqual([]);
  });

  it.each([
    ['502 when the target port is closed', 'closed', 502],
    ['400 when the target has no port', 'portless', 400],
  ])('answers CONNECT with %s', async (_name, kind, status) => {
    const p = await proxy();
    const wanted = kind === 'closed' ? `127.0.0.1:${await closedPort()}` : 'kubernetes.default.svc';

    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect(p.port, '127.0.0.1', () => {
        socket.write(`CONNECT ${wanted} HTTP/1.1\r\nHost: ${wanted}\r\n\r\n`);
      });
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });

    expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(p.connects).toEqual([{ target: wanted, authorization: undefined }]);
  });

  it('closes while a tunnel is open without hanging', async () => {
    const p = await startProxy();
    const socket = connect(p.port, '127.0.0.1');
    socket.on('error', () => undefined);
    const target = `kubernetes.default.svc:${server.port}`;
    await new Promise<void>((resolve) => {
      socket.once('data', () => resolve());
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));

    await p.close();

    await closed;
    expect(socket.destroyed).toBe(true);
  });
});

describe('kubectl with the test proxy', () => {
  it('goes through proxy-url', async () => {
    const p = await proxy();

    const result = await kubectlVersion({}, p.url);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ gitVersion: 'v1.34.0' });
    expect(p.connects.map((c) => c.target)).toContain(`kubernetes.default.svc:${server.port}`);
  });

  it('sends credentials from proxy-url as Proxy-Authorization', async () => {
    const p = await proxy({ auth: { user: PROXY_USER, password: PROXY_PASSWORD } });

    const result = await kubectlVersion({}, credentialUrl(p));

    expect(result.code).toBe(0);
    const basic = Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64');
    expect(p.connects.at(-1)?.authorization).toBe(`Basic ${basic}`);
  });

  it('goes through HTTPS_PROXY when the kubeconfig has no proxy-url', async () => {
    const p = await proxy();

    const result = await kubectlVersion({ HTTPS_PROXY: p.url });

    expect(result.code).toBe(0);
    expect(p.connects.map((c) => c.target)).toContain(`kubernetes.default.svc:${server.port}`);
  });

  it('skips HTTPS_PROXY for a NO_PROXY host, and then fails DNS', async () => {
    const p = await proxy();

    const result = await kubectlVersion({
      HTTPS_PROXY: p.url,
      NO_PROXY: 'kubernetes.default.svc',
    });

    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/lookup kubernetes\.default\.svc\b.*no such host/);
    expect(p.connects).toEqual([]);
  });
});

describe('kubectl and proxyForUrl agree', () => {
  // Each row is safe to run: a direct connection either fails DNS (kubernetes.default.svc) or
  // goes to loopback; only proxied connections reach the fake server (through the proxy).
  it.each<[string, (p: TestProxy) => Record<string, string>, string?]>([
    ['lowercase https_proxy', (p) => ({ https_proxy: p.url })],
    [
      'an empty HTTPS_PROXY falls back to https_proxy',
      (p) => ({ HTTPS_PROXY: '', https_proxy: p.url }),
    ],
    ['HTTP_PROXY is not used for https', (p) => ({ HTTP_PROXY: p.url })],
    ['a proxy without a scheme', (p) => ({ HTTPS_PROXY: `localhost:${p.port}` })],
    [
      'NO_PROXY wins over no_proxy',
      (p) => ({ HTTPS_PROXY: p.url, NO_PROXY: 'x', no_proxy: 'kubernetes.default.svc' }),
    ],
    [
      'no_proxy when NO_PROXY is empty',
      (p) => ({ HTTPS_PROXY: p.url, NO_PROXY: '', no_proxy: 'default.svc' }),
    ],
    ['NO_PROXY *', (p) => ({ HTTPS_PROXY: p.url, NO_PROXY: '*' })],
    ['NO_PROXY .default.svc', (p) => ({ HTTPS_PROXY: p.url, NO_PROXY: '.default.svc' })],
    [
      'NO_PROXY .kubernetes.default.svc',
      (p) => ({ HTTPS_PROXY: p.url, NO_PROXY: '.kubernetes.default.svc' }),
    ],
    ['NO_PROXY *.default.svc', (p) => ({ HTTPS_PROXY: p.url, NO_PROXY: '*.default.svc' })],
    [
      'NO_PROXY on another port',
      (p) => ({ HTTPS_PROXY: p.url, NO_PROXY: 'kubernetes.default.svc:443' }),
    ],
    [
      'NO_PROXY on this port',
      (p) => ({ HTTPS_PROXY: p.url, NO_PROXY: `kubernetes.default.svc:${server.port}` }),
    ],
    [
      'NO_PROXY spaced and uppercase',
      (p) => ({ HTTPS_PROXY: p.url, NO_PROXY: ' a.b , KUBERNETES.default.svc ' }),
    ],
    [
      'a bad escape in the proxy password',
      (p) => ({ HTTPS_PROXY: `http://u:p%zz@127.0.0.1:${p.port}` }),
    ],
    ['localhost', (p) => ({ HTTPS_PROXY: p.url }), 'https://localhost:PORT'],
    ['LOCALHOST', (p) => ({ HTTPS_PROXY: p.url }), 'https://LOCALHOST:PORT'],
    ['127.0.0.1', (p) => ({ HTTPS_PROXY: p.url }), 'https://127.0.0.1:PORT'],
    ['IPv4-mapped loopback', (p) => ({ HTTPS_PROXY: p.url }), 'https://[::ffff:127.0.0.1]:PORT'],
  ])('on %s', async (_name, makeEnv, serverTemplate) => {
    const p = await proxy();
    const env = makeEnv(p);
    const serverUrl = (serverTemplate ?? serviceUrl()).replace('PORT', String(server.port));

    const result = await kubectlVersion(env, undefined, serverUrl);

    const expected = proxyForUrl(serverUrl, env) !== undefined;
    const proxied = p.connects.length > 0;
    expect({ proxied, stderr: result.stderr }).toMatchObject({ proxied: expected });
    // Through the proxy, kubectl gets all the way to the server.
    const failedThroughProxy = proxied && result.code !== 0;
    expect({ failedThroughProxy, stderr: result.stderr }).toMatchObject({
      failedThroughProxy: false,
    });
  });
});
