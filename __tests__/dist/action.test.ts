/**
 * The built action (dist/) run as the GitHub runner runs it: INPUT_* variables with
 * action.yml's defaults, file commands, then the post step with STATE_* variables. A "later
 * step" uses the exported KUBECONFIG with the real kubectl and helm.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  makeServiceAccountToken,
  startApiServer,
  startBlackhole,
  unknownToken,
  type FakeApiServer,
} from '../fixtures/apiserver.ts';
import { errorLines, Job, leaks, runCommand, type StepResult } from '../fixtures/runner.ts';
import { helmPath, isolatedToolEnv, kubectlPath, testTls } from '../fixtures/tools.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const deployer = makeServiceAccountToken('ci', 'deployer', { expirationSeconds: 4 * 3600 });
const TOKEN = deployer.token;
/** Every form of the token that must never show up in a log. */
const FORMS = [TOKEN, b64(TOKEN), b64(TOKEN).replace(/=+$/, ''), Buffer.from(TOKEN).toString('base64url')];

let server: FakeApiServer;
let ca = '';

beforeAll(async () => {
  ca = testTls().ca.cert;
  server = await startApiServer({
    tls: testTls(),
    tokens: { [TOKEN]: { ...deployer.identity, allow: ['get,list pods ci', 'list secrets ci'] } },
  });
});
afterAll(async () => server.close());

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return { server: server.url, token: TOKEN, 'certificate-authority': ca, ...extra };
}

/** Lines of stdout that are not workflow commands: what the user reads in the log. */
function logLines(result: StepResult): string[] {
  return result.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('::'));
}

function kubeconfigsIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('kubeconfig-'));
}

function expectNoLeak(result: StepResult, forms: readonly string[] = FORMS): void {
  expect(leaks(result, forms)).toEqual([]);
  expect(result.outputs).not.toEqual(expect.objectContaining({ token: expect.anything() as unknown }));
  for (const text of [...Object.values(result.outputs), ...Object.values(result.env), ...Object.values(result.state), result.summary]) {
    for (const form of forms) expect(text).not.toContain(form);
  }
}

describe('the main step, on success', () => {
  let job: Job;
  let main: StepResult;
  beforeAll(async () => {
    server.reset();
    job = new Job();
    main = await job.main(inputs({ namespace: 'ci', context: 'prod' }));
  });

  it('exits 0 and sets every output', () => {
    expect(main.stdout).not.toContain('::error::');
    expect(main.exitCode).toBe(0);
    expect(main.outputs).toEqual({
      kubeconfig: expect.stringMatching(/kubeconfig-[0-9a-f-]{36}\.yaml$/) as unknown,
      context: 'prod',
      namespace: 'ci',
      username: 'system:serviceaccount:ci:deployer',
      groups: 'system:serviceaccounts,system:serviceaccounts:ci,system:authenticated',
      'server-version': 'v1.34.0',
      'token-expires-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) as unknown,
      allowed: 'true',
    });
  });

  it('writes the kubeconfig under RUNNER_TEMP with mode 0600', () => {
    const path = main.outputs.kubeconfig ?? '';
    expect(path.startsWith(job.runnerTemp)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('writes a standard YAML kubeconfig with the token, the CA and the context', () => {
    const text = readFileSync(main.outputs.kubeconfig ?? '', 'utf8');
    expect(text.startsWith('apiVersion: v1\n')).toBe(true);
    expect(yaml.load(text)).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'prod', cluster: { server: server.url, 'certificate-authority-data': b64(ca.trim() + '\n') } }],
      users: [{ name: 'prod', user: { token: TOKEN } }],
      contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'prod', namespace: 'ci' } }],
      'current-context': 'prod',
      preferences: {},
    });
  });

  it('exports KUBECONFIG and saves the path for the post step', () => {
    expect(main.env).toEqual({ KUBECONFIG: main.outputs.kubeconfig });
    expect(main.state['kubeconfig-path']).toBe(main.outputs.kubeconfig);
  });

  it('masks every form of the token before printing anything else', () => {
    const lines = main.stdout.split('\n').filter((l) => l !== '');
    const masks = lines.filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice('::add-mask::'.length));
    expect(masks).toEqual(expect.arrayContaining([TOKEN, b64(TOKEN)]));
    const firstOther = lines.findIndex((l) => !l.startsWith('::add-mask::'));
    const lastMask = lines.map((l) => l.startsWith('::add-mask::')).lastIndexOf(true);
    expect(lastMask).toBeLessThan(firstOther);
  });

  it('never prints the token, in any form, anywhere', () => {
    expectNoLeak(main);
    expect(readFileSync(join(job.dir, 'state-1'), 'utf8')).not.toContain(TOKEN);
  });

  it('tells who it is connected as', () => {
    expect(logLines(main)).toContain(
      'Authenticated as system:serviceaccount:ci:deployer (groups: system:serviceaccounts, system:serviceaccounts:ci, system:authenticated)',
    );
    expect(logLines(main)).toContain('Server version: v1.34.0');
  });

  it('writes a job summary without token or CA data', () => {
    expect(main.summary).toContain('system:serviceaccount:ci:deployer');
    expect(main.summary).toContain('v1.34.0');
    expect(main.summary).toContain(main.outputs.kubeconfig);
    expect(main.summary).not.toContain(b64(ca.trim() + '\n').slice(0, 40));
    expect(main.summary).not.toContain('BEGIN CERTIFICATE');
  });

  it('proves the token with an authenticated SelfSubjectReview', () => {
    const review = server.requests.find((r) => r.path === '/apis/authentication.k8s.io/v1/selfsubjectreviews');
    expect(review?.method).toBe('POST');
    expect(review?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  describe('a later step', () => {
    let toolEnv: NodeJS.ProcessEnv;
    beforeAll(() => {
      const home = join(job.dir, 'later-step-home');
      mkdirSync(home, { recursive: true });
      toolEnv = { ...isolatedToolEnv(home), ...main.env };
    });

    it('runs kubectl auth whoami through the exported KUBECONFIG', async () => {
      const result = await runCommand(kubectlPath(), ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], toolEnv);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('system:serviceaccount:ci:deployer');
    });

    it('runs kubectl get pods in the context namespace', async () => {
      const result = await runCommand(kubectlPath(), ['get', 'pods'], toolEnv);
      expect(result.exitCode).toBe(0);
      expect(result.stderr.trim()).toBe('No resources found in ci namespace.');
    });

    it('runs helm list, which reads the release secrets in the namespace', async () => {
      server.requests.length = 0;
      const result = await runCommand(helmPath(), ['list'], toolEnv);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/^NAME\s+NAMESPACE\s+REVISION/);
      const read = server.requests.find((r) => r.path === '/api/v1/namespaces/ci/secrets');
      expect(read?.query.get('labelSelector')).toBe('owner=helm');
    });
  });

  describe('the post step', () => {
    it('removes the kubeconfig and succeeds', async () => {
      const post = await job.post(main);
      expect(post.exitCode).toBe(0);
      expect(existsSync(main.outputs.kubeconfig ?? '')).toBe(false);
      expect(logLines(post)).toContain(`Removed kubeconfig ${main.outputs.kubeconfig}`);
      expect(post.stdout).not.toMatch(/::(warning|error)::/);
    });

    it('succeeds when the file is already gone', async () => {
      const post = await job.post(main);
      expect(post.exitCode).toBe(0);
      expect(logLines(post)).toContain(`Kubeconfig ${main.outputs.kubeconfig} was already removed.`);
    });
  });
});

describe('the main step with other input forms', () => {
  const secretYaml = (): string =>
    yaml.dump({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'deployer-token', namespace: 'ci' },
      data: { 'ca.crt': b64(ca), namespace: b64('ci'), token: b64(TOKEN) },
    });

  it('takes token, CA and namespace from a whole Secret (kubectl get secret -o yaml)', async () => {
    const job = new Job();
    const main = await job.main({ server: server.url, secret: secretYaml() });
    expect(main.exitCode).toBe(0);
    expect(main.outputs.namespace).toBe('ci');
    expect(main.outputs.username).toBe('system:serviceaccount:ci:deployer');
    expectNoLeak(main);
  });

  it('takes a base64 token and a base64 CA (certificate-authority-data)', async () => {
    const job = new Job();
    const main = await job.main(inputs({ token: b64(TOKEN), 'certificate-authority': b64(ca) }));
    expect(main.exitCode).toBe(0);
    expect(readFileSync(main.outputs.kubeconfig ?? '', 'utf8')).toContain(`token: ${TOKEN}\n`);
    expect(main.stdout).toContain(`::add-mask::${b64(TOKEN)}`);
    expectNoLeak(main);
  });

  it('takes the CA as a file path', async () => {
    const job = new Job();
    const path = join(job.dir, 'ca.crt');
    writeFileSync(path, ca);
    const main = await job.main(inputs({ 'certificate-authority': path }));
    expect(main.exitCode).toBe(0);
  });

  it('writes to the given path and leaves KUBECONFIG alone when asked', async () => {
    const job = new Job();
    const path = join(job.dir, 'configs', 'cluster-a.yaml');
    const main = await job.main(inputs({ kubeconfig: path, 'export-kubeconfig': 'false' }));
    expect(main.exitCode).toBe(0);
    expect(main.outputs.kubeconfig).toBe(path);
    expect(existsSync(path)).toBe(true);
    expect(main.env).toEqual({});
  });

  it('exports an absolute path for a relative kubeconfig input', async () => {
    const job = new Job();
    const main = await job.main(inputs({ kubeconfig: 'configs/relative.yaml' }));
    expect(main.exitCode).toBe(0);
    expect(main.outputs.kubeconfig).toBe(join(job.dir, 'configs', 'relative.yaml'));
    expect(main.env.KUBECONFIG).toBe(main.outputs.kubeconfig);
  });

  it('writes without contacting the server when validate is false', async () => {
    server.reset();
    const job = new Job();
    const main = await job.main(inputs({ validate: 'false', token: unknownToken() }));
    expect(main.exitCode).toBe(0);
    expect(server.requests).toEqual([]);
    expect(main.outputs.username).toBe('');
    expect(main.outputs['server-version']).toBe('');
    expect(main.stdout).toContain('::warning::validate is false');
  });

  it('keeps the kubeconfig after the job when cleanup is false', async () => {
    const job = new Job();
    const main = await job.main(inputs({ cleanup: 'false' }));
    const post = await job.post(main);
    expect(post.exitCode).toBe(0);
    expect(existsSync(main.outputs.kubeconfig ?? '')).toBe(true);
  });

  it('gives parallel jobs on one runner different files', async () => {
    const shared = new Job();
    const [a, b] = await Promise.all([
      new Job({}, shared.runnerTemp).main(inputs()),
      new Job({}, shared.runnerTemp).main(inputs()),
    ]);
    expect(a.exitCode).toBe(0);
    expect(b.exitCode).toBe(0);
    expect(a.outputs.kubeconfig).not.toBe(b.outputs.kubeconfig);
    expect(kubeconfigsIn(shared.runnerTemp)).toHaveLength(2);
  });
});

describe('the main step, on failure', () => {
  /**
   * Runs a failing step and checks what every failure must do: exit 1, one ::error:: line,
   * no kubeconfig left, KUBECONFIG not exported, no state for the post step, no token.
   */
  async function expectFailure(
    stepInputs: Record<string, string>,
    message: RegExp,
    forms: readonly string[] = FORMS,
  ): Promise<string> {
    const job = new Job();
    // One attempt: these failures are told apart as they are, without retries (see preflight).
    const main = await job.main({ wait: '0', ...stepInputs });
    expect(main.exitCode).toBe(1);
    const errors = errorLines(main.stdout);
    expect(errors).toHaveLength(1);
    const line = errors[0] ?? '';
    expect(line).toMatch(/^kube-connect: /);
    expect(line).toMatch(message);
    expect(line).not.toMatch(/[\r\n]/);
    expect(line).not.toMatch(/\bat .*\.js:\d+/);
    expect(main.stderr).toBe('');
    expect(kubeconfigsIn(job.runnerTemp)).toEqual([]);
    expect(main.env).toEqual({});
    expect(main.state).toEqual({});
    expectNoLeak(main, forms);
    const post = await job.post(main);
    expect(post.exitCode).toBe(0);
    expect(logLines(post)).toContain('Nothing to clean up: the main step wrote no kubeconfig.');
    return line;
  }

  it('names a token the server rejects (401)', async () => {
    const bad = unknownToken();
    await expectFailure(
      inputs({ token: bad }),
      /the server rejected the token \(401 Unauthorized.*kubectl create token/,
      [bad, b64(bad)],
    );
  });

  it('names a CA that does not sign the server certificate', async () => {
    await expectFailure(inputs({ 'certificate-authority': testTls().otherCa.cert }), /is not signed by the given CA \(UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
  });

  it('names a server URL whose host is not in the certificate', async () => {
    const other = await startApiServer({ tls: testTls(), cert: 'noLocalSan', tokens: { [TOKEN]: deployer.identity } });
    try {
      await expectFailure(inputs({ server: other.url }), /is not valid for that address \(IP: 127\.0\.0\.1 is not in the cert's list: 10\.96\.0\.1\)/);
    } finally {
      await other.close();
    }
  });

  it('names a refused connection', async () => {
    const port = await closedPort();
    await expectFailure(inputs({ server: `https://127.0.0.1:${port}` }), new RegExp(`connection to 127\\.0\\.0\\.1:${port} was refused`));
  });

  it('names a DNS name that does not exist', async () => {
    await expectFailure(inputs({ server: 'https://does-not-exist.invalid:6443' }), /cannot resolve the host name of https:\/\/does-not-exist\.invalid:6443/);
  });

  it('names a timeout', async () => {
    const hole = await startBlackhole();
    try {
      await expectFailure(inputs({ server: `https://127.0.0.1:${hole.port}`, timeout: '500ms' }), /no answer from .* within 500ms/);
    } finally {
      await hole.close();
    }
  });

  it('names the identity from a forbidden review (403) and warns instead of failing', async () => {
    server.reset();
    server.set({ ssr: 'forbidden' });
    try {
      const main = await new Job().main(inputs());
      expect(main.exitCode).toBe(0);
      expect(main.outputs.username).toBe('system:serviceaccount:ci:deployer');
      expect(main.outputs.groups).toBe('');
      expect(main.stdout).toMatch(/^::warning::Token accepted as system:serviceaccount:ci:deployer, but the server forbids SelfSubjectReview/m);
    } finally {
      server.reset();
    }
  });

  it.each([
    ['an HTML page', { html: true }, /does not look like a Kubernetes API server \(GET \/version answered/],
    ['404 on /version', { version: 'not-found' as const }, /does not look like a Kubernetes API server \(GET \/version answered 404/],
  ])('names a server that is not Kubernetes (%s)', async (_name, behaviour, message) => {
    server.reset();
    server.set(behaviour);
    try {
      await expectFailure(inputs(), message);
    } finally {
      server.reset();
    }
  });

  it('never lets server text become a workflow command', async () => {
    server.reset();
    server.set({ echoMaliciousText: true });
    try {
      const job = new Job();
      const main = await job.main(inputs({ wait: '0' }));
      expect(main.exitCode).toBe(1);
      const lines = main.stdout.split('\n');
      // The server's text shows only inside the (escaped, one-line) error and debug commands.
      const carrying = lines.filter((l) => l.includes('injected'));
      expect(carrying.map((l) => l.slice(0, 9))).toEqual(['::debug::', '::error::']);
      expect(errorLines(main.stdout)[0]).toMatch(/^kube-connect: the API server answered 500 .*::warning::injected/);
      expect(lines.filter((l) => /^::(set-output|stop-commands|add-mask::not-a-secret|warning::injected)/.test(l))).toEqual([]);
    } finally {
      server.reset();
    }
  });

  it.each([
    ['a service-account JWT', TOKEN],
    ['a short opaque token', 'opaque-0123456789abcdefghijklmnopqrstu'],
  ])('never prints any piece of %s that a gateway echoes back', async (_name, token) => {
    const gateway = await startApiServer({
      tls: testTls(),
      tokens: { [token]: deployer.identity },
      behaviour: { echoRequestHeaders: true },
    });
    try {
      const job = new Job();
      const main = await job.main(inputs({ server: gateway.url, token, wait: '0' }));
      expect(main.exitCode).toBe(1);
      expect(errorLines(main.stdout)[0]).toMatch(/answered 502 .*authorization: Bearer \*\*\*/);
      expect(leaks(main, [token])).toEqual([]);
    } finally {
      await gateway.close();
    }
  });

  it('never lets server-supplied version, username or groups become workflow commands', async () => {
    const evil = await startApiServer({
      tls: testTls(),
      gitVersion: 'v1.34.0\n::warning::injected by gitVersion',
      tokens: {
        [TOKEN]: {
          username: 'evil\n::error::injected by username',
          groups: ['g\n::notice::injected by group'],
        },
      },
    });
    try {
      const main = await new Job().main(inputs({ server: evil.url }));
      const injected = main.stdout.split('\n').filter((l) => /^::\w+::injected/.test(l));
      expect(injected).toEqual([]);
      expect(main.stdout).toContain('injected by username');
    } finally {
      await evil.close();
    }
  });

  it.each([
    ['http:// to a remote host', { server: 'http://203.0.113.10:6443' }, /input "server" uses http:\/\/ to 203\.0\.113\.10:6443/],
    ['a token with a line break inside', { token: `${TOKEN.slice(0, 30)}\n${TOKEN.slice(30)}` }, /input "token" contains whitespace inside the token/],
    ['a CA that is not a certificate', { 'certificate-authority': 'not-a-certificate' }, /input "certificate-authority" is not PEM text, not base64, and no file exists at that path/],
    ['a missing token', { token: '' }, /input "token" is empty and no "secret" was given.*forks and by Dependabot/],
    ['a bad timeout', { timeout: '10' }, /input "timeout" is not a duration/],
    ['an Opaque Secret', { token: '', secret: 'apiVersion: v1\nkind: Secret\ntype: Opaque\nmetadata: {name: x}\n' }, /input "secret" is Secret "x" of type Opaque/],
  ])('names a malformed input: %s', async (_name, set, message) => {
    await expectFailure(inputs(set), message);
  });

  it('never overwrites an existing kubeconfig', async () => {
    const job = new Job();
    const path = join(job.dir, 'existing.yaml');
    writeFileSync(path, 'precious');
    const main = await job.main(inputs({ kubeconfig: path }));
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)[0]).toContain(`kubeconfig "${path}" already exists`);
    expect(readFileSync(path, 'utf8')).toBe('precious');
    expect(main.env).toEqual({});
    expect(main.state).toEqual({});
  });
});
