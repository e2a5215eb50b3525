/**
 * Issue 3 through the built action: in-cluster runners, TLS options, proxies and several
 * clusters in one job, each proved with the real kubectl in a later step.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, makeServiceAccountToken, startApiServer, type FakeApiServer } from '../fixtures/apiserver.ts';
import { startProxy, type TestProxy } from '../fixtures/proxy.ts';
import { errorLines, Job, runCommand, type StepResult } from '../fixtures/runner.ts';
import { isolatedToolEnv, kubectlPath, testTls } from '../fixtures/tools.ts';

const LONG = { expirationSeconds: 4 * 3600 };
const deployer = makeServiceAccountToken('ci', 'deployer', LONG);
const runner = makeServiceAccountToken('runners', 'arc-runner', LONG);
const servers: FakeApiServer[] = [];
let server: FakeApiServer;

beforeAll(async () => {
  server = await startApiServer({
    tls: testTls(),
    tokens: { [deployer.token]: deployer.identity, [runner.token]: runner.identity },
  });
  servers.push(server);
});
afterAll(async () => Promise.all(servers.map(async (s) => s.close())));

async function serving(cert: 'noLocalSan' | 'selfSigned'): Promise<FakeApiServer> {
  const s = await startApiServer({ tls: testTls(), cert, tokens: { [deployer.token]: deployer.identity } });
  servers.push(s);
  return s;
}

/** A later step of the job: kubectl with the environment the step exported. */
async function kubectl(job: Job, step: StepResult, args: string[], extraEnv: Record<string, string> = {}) {
  const home = join(job.dir, 'later-home');
  mkdirSync(home, { recursive: true });
  return runCommand(kubectlPath(), args, { ...isolatedToolEnv(home), ...step.env, ...extraEnv });
}

const whoami = ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'];
const warnings = (step: StepResult): string[] =>
  step.stdout.split('\n').filter((l) => l.startsWith('::warning::')).map((l) => l.slice(11));

describe('in-cluster', () => {
  function pod(job: Job): { dir: string; env: Record<string, string>; args: string[] } {
    const dir = join(job.dir, 'serviceaccount');
    mkdirSync(dir);
    writeFileSync(join(dir, 'token'), runner.token);
    writeFileSync(join(dir, 'ca.crt'), testTls().ca.cert);
    writeFileSync(join(dir, 'namespace'), 'runners');
    return {
      dir,
      args: [`--test-service-account-dir=${dir}`],
      env: {
        KUBERNETES_SERVICE_HOST: '127.0.0.1',
        KUBERNETES_SERVICE_PORT: String(server.port),
      },
    };
  }

  it('connects with the pod service account and writes tokenFile for kubectl', async () => {
    const job = new Job();
    const { dir, env, args } = pod(job);
    const main = await job.main({ 'in-cluster': 'true' }, env, args);
    expect(errorLines(main.stdout)).toEqual([]);
    expect(main.outputs).toMatchObject({ username: 'system:serviceaccount:runners:arc-runner', namespace: 'runners' });
    const doc = yaml.load(readFileSync(main.outputs.kubeconfig ?? '', 'utf8')) as {
      clusters: { cluster: { server: string } }[];
      users: { user: Record<string, string> }[];
    };
    expect(doc.clusters[0]?.cluster.server).toBe(`https://127.0.0.1:${server.port}`);
    expect(doc.users[0]?.user).toEqual({ tokenFile: join(dir, 'token') });
    expect(readFileSync(main.outputs.kubeconfig ?? '', 'utf8')).not.toContain(runner.token);
    expect(main.stdout).toContain(`::add-mask::${runner.token}`);

    const before = await kubectl(job, main, whoami);
    expect(before.stdout).toBe('system:serviceaccount:runners:arc-runner');

    // The kubelet rotates the token: the old one stops working, the file holds the new one.
    const rotated = makeServiceAccountToken('runners', 'arc-runner', LONG);
    server.addToken(rotated.token, rotated.identity);
    server.tokens.delete(runner.token);
    try {
      writeFileSync(join(dir, 'token'), rotated.token);
      const after = await kubectl(job, main, whoami);
      expect(after.stderr).toBe('');
      expect(after.stdout).toBe('system:serviceaccount:runners:arc-runner');
      const last = server.requests.filter((r) => r.path.endsWith('/selfsubjectreviews')).at(-1);
      expect(last?.headers.authorization).toBe(`Bearer ${rotated.token}`);
    } finally {
      server.addToken(runner.token, runner.identity);
    }

    const post = await job.post(main);
    expect(post.exitCode).toBe(0);
    expect(existsSync(main.outputs.kubeconfig ?? '')).toBe(false);
    expect(existsSync(join(dir, 'token'))).toBe(true);
  });

  it('does not warn about the expiry of a pod token, which the kubelet rotates', async () => {
    const job = new Job();
    const { dir, env, args } = pod(job);
    const short = makeServiceAccountToken('runners', 'arc-runner', { expirationSeconds: 40 * 60 });
    server.addToken(short.token, short.identity);
    writeFileSync(join(dir, 'token'), short.token);
    const main = await job.main({ 'in-cluster': 'true' }, env, args);
    expect(main.exitCode).toBe(0);
    expect(warnings(main)).toEqual([]);
    expect(main.stdout).toMatch(/^The pod's token expires at .*; the kubelet rotates it before then/m);
  });

  it('lets explicit inputs override the pod', async () => {
    const job = new Job();
    const { env, args } = pod(job);
    const main = await job.main({ 'in-cluster': 'true', token: deployer.token, namespace: 'ci' }, env, args);
    expect(main.outputs).toMatchObject({ username: 'system:serviceaccount:ci:deployer', namespace: 'ci' });
    expect(readFileSync(main.outputs.kubeconfig ?? '', 'utf8')).toContain(`token: ${deployer.token}`);
  });

  it('says the runner does not look like a pod when the environment is missing', async () => {
    const main = await new Job().main({ 'in-cluster': 'true' });
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)[0]).toMatch(/input "in-cluster" is true, but KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set: the runner does not look like a pod/);
  });
});

describe('TLS options', () => {
  it('verifies against tls-server-name when the URL host is not in the certificate', async () => {
    const s = await serving('noLocalSan');
    const job = new Job();
    const main = await job.main({ server: s.url, token: deployer.token, 'certificate-authority': testTls().ca.cert, 'tls-server-name': 'kubernetes.default.svc' });
    expect(errorLines(main.stdout)).toEqual([]);
    expect(readFileSync(main.outputs.kubeconfig ?? '', 'utf8')).toContain('tls-server-name: kubernetes.default.svc');
    expect((await kubectl(job, main, whoami)).stdout).toBe('system:serviceaccount:ci:deployer');
  });

  it('names a tls-server-name the certificate does not cover', async () => {
    const s = await serving('noLocalSan');
    const main = await new Job().main({
      server: s.url,
      token: deployer.token,
      'certificate-authority': testTls().ca.cert,
      'tls-server-name': 'wrong.example.com',
      wait: '0',
    });
    expect(errorLines(main.stdout)[0]).toMatch(
      /is not valid for tls-server-name "wrong\.example\.com"; it covers DNS kubernetes, .*Set tls-server-name to a name the certificate covers, e\.g\. kubernetes/,
    );
  });

  it('fails on such a server without tls-server-name', async () => {
    const s = await serving('noLocalSan');
    const main = await new Job().main({ server: s.url, token: deployer.token, 'certificate-authority': testTls().ca.cert, wait: '0' });
    expect(errorLines(main.stdout)[0]).toMatch(/is not valid for that address/);
  });

  it('connects to a self-signed server only with insecure-skip-tls-verify, warning about it', async () => {
    const s = await serving('selfSigned');
    const refused = await new Job().main({ server: s.url, token: deployer.token, 'certificate-authority': testTls().ca.cert, wait: '0' });
    expect(errorLines(refused.stdout)[0]).toMatch(/DEPTH_ZERO_SELF_SIGNED_CERT/);

    const job = new Job();
    const main = await job.main({ server: s.url, token: deployer.token, 'insecure-skip-tls-verify': 'true' });
    expect(main.exitCode).toBe(0);
    expect(warnings(main)).toContainEqual(expect.stringMatching(/^insecure-skip-tls-verify is true: the server's certificate is not verified/));
    const text = readFileSync(main.outputs.kubeconfig ?? '', 'utf8');
    expect(text).toContain('insecure-skip-tls-verify: true');
    expect(text).not.toContain('certificate-authority');
    expect((await kubectl(job, main, whoami)).stdout).toBe('system:serviceaccount:ci:deployer');
  });

  it('refuses insecure-skip-tls-verify together with a CA, as kubectl does', async () => {
    const main = await new Job().main({ server: server.url, token: deployer.token, 'certificate-authority': testTls().ca.cert, 'insecure-skip-tls-verify': 'true' });
    expect(errorLines(main.stdout)[0]).toMatch(/input "insecure-skip-tls-verify" is true together with "certificate-authority"/);
  });
});

describe('proxies', () => {
  let proxy: TestProxy;
  beforeAll(async () => {
    proxy = await startProxy();
  });
  afterAll(async () => proxy.close());

  /** A name only the proxy resolves: the connection works through the proxy or not at all. */
  const viaProxyOnly = (): string => `https://kubernetes.default.svc:${server.port}`;
  const base = (): Record<string, string> => ({ server: viaProxyOnly(), token: deployer.token, 'certificate-authority': testTls().ca.cert });

  it('validates through proxy-url and writes it for kubectl', async () => {
    proxy.connects.length = 0;
    const job = new Job();
    const main = await job.main({ ...base(), 'proxy-url': proxy.url });
    expect(errorLines(main.stdout)).toEqual([]);
    expect(proxy.connects.map((c) => c.target)).toContain(`kubernetes.default.svc:${server.port}`);
    expect(readFileSync(main.outputs.kubeconfig ?? '', 'utf8')).toContain(`proxy-url: ${proxy.url}`);
    proxy.connects.length = 0;
    expect((await kubectl(job, main, whoami)).stdout).toBe('system:serviceaccount:ci:deployer');
    expect(proxy.connects.length).toBeGreaterThan(0);
  });

  it('honours HTTPS_PROXY as kubectl does when proxy-url is not set', async () => {
    proxy.connects.length = 0;
    const job = new Job({ HTTPS_PROXY: proxy.url });
    const main = await job.main(base());
    expect(errorLines(main.stdout)).toEqual([]);
    expect(proxy.connects.map((c) => c.target)).toContain(`kubernetes.default.svc:${server.port}`);
    expect(readFileSync(main.outputs.kubeconfig ?? '', 'utf8')).not.toContain('proxy-url');
    expect((await kubectl(job, main, whoami, { HTTPS_PROXY: proxy.url })).stdout).toBe('system:serviceaccount:ci:deployer');
  });

  it('bypasses the proxy for hosts in NO_PROXY, as kubectl does', async () => {
    proxy.connects.length = 0;
    const job = new Job({ https_proxy: proxy.url, NO_PROXY: '.svc,10.0.0.0/8' });
    const main = await job.main({ ...base(), wait: '0' });
    expect(proxy.connects).toEqual([]);
    expect(errorLines(main.stdout)[0]).toMatch(/cannot resolve the host name of https:\/\/kubernetes\.default\.svc/);
  });

  it('masks proxy credentials and sends them to the proxy', async () => {
    const guarded = await startProxy({ auth: { user: 'ci', password: 'pr0xy-s3cret' } });
    try {
      const url = guarded.url.replace('http://', 'http://ci:pr0xy-s3cret@');
      const main = await new Job().main({ ...base(), 'proxy-url': url });
      expect(errorLines(main.stdout)).toEqual([]);
      expect(main.stdout).toContain('::add-mask::pr0xy-s3cret');
      expect(main.stdout.split('\n').filter((l) => l.includes('pr0xy-s3cret') && !l.startsWith('::add-mask::'))).toEqual([]);
      expect(guarded.connects[0]?.authorization).toBe(`Basic ${Buffer.from('ci:pr0xy-s3cret').toString('base64')}`);
    } finally {
      await guarded.close();
    }
  });

  it.each([
    ['asks for credentials (407)', { auth: { user: 'u', password: 'p' } }, /the proxy .* requires authentication \(407\)/],
    ['refuses the host (403)', { refuseWith: 403 }, /the proxy .* refused to connect to kubernetes\.default\.svc:\d+ \(403\)/],
  ])('names a proxy that %s', async (_name, options, message) => {
    const p = await startProxy(options);
    try {
      const main = await new Job().main({ ...base(), 'proxy-url': p.url, wait: '0' });
      expect(main.exitCode).toBe(1);
      expect(errorLines(main.stdout)[0]).toMatch(message);
    } finally {
      await p.close();
    }
  });

  it('refuses a SOCKS5 proxy with credentials, which the validation could not use', async () => {
    const main = await new Job().main({ ...base(), 'proxy-url': 'socks5://u:s0cks-pw@127.0.0.1:1080' });
    expect(errorLines(main.stdout)[0]).toMatch(/input "proxy-url" is a SOCKS5 proxy with credentials \("socks5:\/\/127\.0\.0\.1:1080"\)/);
    expect(main.stdout.split('\n').filter((l) => l.includes('s0cks-pw') && !l.startsWith('::add-mask::'))).toEqual([]);
  });

  it('retries while the proxy cannot reach a restarting API server (502), then names it', async () => {
    const port = await closedPort();
    const main = await new Job().main({
      ...base(),
      server: `https://kubernetes.default.svc:${port}`,
      'proxy-url': proxy.url,
      wait: '3s',
    });
    expect(main.exitCode).toBe(1);
    expect(main.stdout).toMatch(/attempt 1 failed/);
    expect(errorLines(main.stdout)[0]).toMatch(
      /the proxy .* could not reach kubernetes\.default\.svc:\d+ \(502\): the API server may be down.*still failing after \d+ attempts in 3s/,
    );
  });

  it('names a proxy that is not reachable', async () => {
    const port = await closedPort();
    const main = await new Job().main({ ...base(), 'proxy-url': `http://127.0.0.1:${port}`, wait: '0' });
    expect(errorLines(main.stdout)[0]).toMatch(new RegExp(`cannot reach the proxy http://127\\.0\\.0\\.1:${port}`));
  });
});

describe('several clusters in one job (merge)', () => {
  it('keeps earlier contexts usable, makes the new one current, and cleans up only its own file', async () => {
    const job = new Job();
    // A kubeconfig the job already had (e.g. from an earlier tool), for another identity.
    const existing = join(job.dir, 'existing.yaml');
    const existingText = yaml.dump({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'old', cluster: { server: server.url, 'certificate-authority-data': Buffer.from(testTls().ca.cert).toString('base64') } }],
      users: [{ name: 'old', user: { token: runner.token } }],
      contexts: [{ name: 'old', context: { cluster: 'old', user: 'old' } }],
      'current-context': 'old',
    });
    writeFileSync(existing, existingText);
    const common = { server: server.url, token: deployer.token, 'certificate-authority': testTls().ca.cert, merge: 'true' };

    const first = await job.main({ ...common, context: 'staging' }, { KUBECONFIG: existing });
    expect(errorLines(first.stdout)).toEqual([]);
    expect(first.env.KUBECONFIG).toBe(`${first.outputs.kubeconfig}:${existing}`);
    const second = await job.main({ ...common, context: 'production', namespace: 'ci' }, { KUBECONFIG: first.env.KUBECONFIG ?? '' });
    expect(errorLines(second.stdout)).toEqual([]);
    expect(second.env.KUBECONFIG).toBe(`${second.outputs.kubeconfig}:${first.outputs.kubeconfig}:${existing}`);

    const contexts = await kubectl(job, second, ['config', 'get-contexts', '-o', 'name']);
    expect(contexts.stdout.split('\n').filter(Boolean).sort()).toEqual(['old', 'production', 'staging']);
    expect((await kubectl(job, second, ['config', 'current-context'])).stdout.trim()).toBe('production');
    for (const [context, user] of [
      ['staging', 'system:serviceaccount:ci:deployer'],
      ['production', 'system:serviceaccount:ci:deployer'],
      ['old', 'system:serviceaccount:runners:arc-runner'],
    ] as const) {
      expect((await kubectl(job, second, [...whoami, '--context', context])).stdout).toBe(user);
    }

    expect((await job.post(second)).exitCode).toBe(0);
    expect((await job.post(first)).exitCode).toBe(0);
    expect(existsSync(second.outputs.kubeconfig ?? '')).toBe(false);
    expect(existsSync(first.outputs.kubeconfig ?? '')).toBe(false);
    expect(readFileSync(existing, 'utf8')).toBe(existingText);
  });

  it('refuses a context name the kubeconfig in use already defines', async () => {
    const job = new Job();
    const home = join(job.dir, '.kube');
    mkdirSync(home);
    writeFileSync(
      join(home, 'config'),
      yaml.dump({ apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [{ name: 'default', context: { cluster: 'x', user: 'y' } }] }),
    );
    const main = await job.main({ server: server.url, token: deployer.token, 'certificate-authority': testTls().ca.cert, merge: 'true' });
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)[0]).toMatch(/input "context" is "default", which the kubeconfig in use already defines \(context "default" in .*\.kube\/config\)/);
  });
});
